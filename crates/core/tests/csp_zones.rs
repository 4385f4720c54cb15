//! The page's Content Security Policy allows network calls to the Databricks DNS zones;
//! the build script that writes it must list exactly the zones the host analysis knows.

#[test]
fn the_build_scripts_csp_lists_exactly_the_host_analysis_zones() {
    let script = include_str!("../../../scripts/csp.mjs");
    let start = script
        .find("export const ZONES = [")
        .expect("ZONES in scripts/csp.mjs");
    let end = start + script[start..].find("];").expect("end of ZONES");
    let listed: Vec<&str> = script[start..end].split('\'').skip(1).step_by(2).collect();
    let known: Vec<&str> = dbx_check_core::host::ZONES
        .iter()
        .map(|z| z.suffix)
        .collect();
    assert_eq!(listed, known);
}
