#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dbx_check_fuzz::import(data));
