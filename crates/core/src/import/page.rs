//! What the page needs around the decoder: the conn ids a paste holds (to pick one), the
//! sentence said once the form is filled, and a whole connection typed into the URL field.

use super::{forms, import_connection, Import, TextForm};
use crate::finding::{Diagnostic, Severity};

/// The conn ids of every connection in `text`, in order (empty when it holds none, or
/// connections without ids such as a bare URI).
pub fn connection_ids(text: &str) -> Vec<String> {
    forms::find(text)
        .map(|found| found.into_iter().filter_map(|f| f.conn_id).collect())
        .unwrap_or_default()
}

impl TextForm {
    /// How the page names the form, in "read from …".
    pub fn label(self) -> &'static str {
        match self {
            TextForm::Uri => "a connection URI",
            TextForm::EnvUri => "an AIRFLOW_CONN_ variable holding a URI",
            TextForm::EnvJson => "an AIRFLOW_CONN_ variable holding JSON",
            TextForm::ConnectionJson => "connection JSON",
            TextForm::ExportJson => "an `airflow connections export` JSON file",
            TextForm::ExportYaml => "an `airflow connections export` YAML file",
            TextForm::ExportEnv => "an `airflow connections export` .env file",
            TextForm::GetOutput => "`airflow connections get` output",
            TextForm::AstroYaml => "Astro's airflow_settings.yaml",
            TextForm::CliFields | TextForm::CliUri | TextForm::CliJson => {
                "an `airflow connections add` command"
            }
        }
    }
}

impl Import {
    /// "The form now holds databricks_default, read from …", once it is filled.
    pub fn filled_sentence(&self) -> Option<String> {
        let form = self.form?;
        self.connection.as_ref()?;
        let id = self.conn_id.as_deref().unwrap_or("the connection");
        Some(format!(
            "The form now holds {id}, read from {}. The pasted text was cleared: the secret is \
             only in the masked field below.",
            form.label()
        ))
    }
}

/// The Host of a whole connection typed or pasted into the URL field, when it holds one.
/// A cheap look first: this runs on every keystroke in that field.
pub fn whole_connection_host(text: &str) -> Option<String> {
    // A workspace URL is a valid connection URI too (of type `https`): only the shapes
    // a connection is kept in count.
    let looks = text.contains("databricks://")
        || text.contains("AIRFLOW_CONN_")
        || text.contains("conn_type")
        || text.contains("connections add");
    if !looks {
        return None;
    }
    let import = import_connection(text, None);
    let conn = import.connection?;
    conn.extra
        .get("host")
        .and_then(|h| h.as_str())
        .map(str::to_owned)
        .or(conn.host)
        .filter(|h| !h.trim().is_empty())
}

/// The URL field holds a whole connection, secret included.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionInUrlField;

impl Diagnostic for ConnectionInUrlField {
    fn code(&self) -> &'static str {
        "connection_in_url_field"
    }

    fn severity(&self) -> Severity {
        Severity::Warning
    }

    fn message(&self) -> String {
        "This field holds a whole Airflow connection, its secret included; only its Host is \
         used here."
            .to_owned()
    }

    fn fix(&self) -> String {
        "Import it: the whole form is filled from it and this field keeps only the Host.".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI_LINE: &str = "AIRFLOW_CONN_DATABRICKS_DEFAULT=databricks://token:dapi0123456789abcdef0123456789abcdef@adb-1234567890123456.7.azuredatabricks.net?http_path=%2Fsql%2F1.0%2Fwarehouses%2Fabc";

    #[test]
    fn a_connection_line_in_the_url_field_gives_its_host() {
        assert_eq!(
            whole_connection_host(URI_LINE).as_deref(),
            Some("adb-1234567890123456.7.azuredatabricks.net")
        );
        for plain in [
            "https://adb-1.2.azuredatabricks.net/?o=1",
            "adb-1.2.azuredatabricks.net",
            "",
            "dapi0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(whole_connection_host(plain), None, "{plain}");
        }
    }

    #[test]
    fn ids_are_listed_and_the_filled_sentence_names_the_form_not_the_secret() {
        let two =
            format!("{URI_LINE}\nAIRFLOW_CONN_OTHER=databricks://:x@adb-2.3.azuredatabricks.net\n");
        assert_eq!(connection_ids(&two), ["databricks_default", "other"]);
        let import = import_connection(URI_LINE, None);
        let said = import.filled_sentence().expect("filled");
        assert!(said.contains("databricks_default") && said.contains("AIRFLOW_CONN_"));
        assert!(!said.contains("dapi"));
        assert_eq!(
            import_connection("nothing here", None).filled_sentence(),
            None
        );
    }
}
