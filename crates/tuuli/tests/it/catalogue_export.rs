//! The indicator page's download form: a refused selection shows the page again (422)
//! with the form as typed and each problem by its field, in the reader's language,
//! instead of an error page that loses the choices.

use crate::both;
use crate::catalogue::values;

both!(
    a_refused_download_shows_the_form_again_with_what_was_typed_and_what_to_fix,
    |app| async move {
        let (ind, lahti, _) = values(&app, false).await;
        let res = app
            .get(&format!(
                "/indicators/{ind}/export?area={lahti}&year=20x2&sex=male&format=xlsx&lang=fi"
            ))
            .await;
        res.assert_status(422);
        let body = &res.body;
        // The form as typed: the area chosen, the year, the sex and the format.
        assert!(
            body.contains(&format!(r#"<option value="{lahti}" selected>"#)),
            "{body}"
        );
        assert!(body.contains(r#"value="20x2""#), "{body}");
        assert!(body.contains(r#"value="male" checked"#), "{body}");
        assert!(body.contains(r#"value="xlsx" checked"#), "{body}");
        assert!(!body.contains(r#"value="csv" checked"#), "{body}");
        // What to fix, by its field, linked from the summary.
        assert!(body.contains(r#"id="export_year-error""#), "{body}");
        assert!(body.contains(r##"href="#export_year""##), "{body}");
        assert!(body.contains(r#"aria-invalid="true""#), "{body}");
        assert!(body.contains("Vuodet:"), "{body}");
        // In Swedish, the field's name in the summary is Swedish.
        let res = app
            .get(&format!("/indicators/{ind}/export?year=x&lang=sv"))
            .await;
        res.assert_status(422);
        assert!(res.body.contains("År:"), "{}", res.body);
        // A good selection still downloads the file.
        let res = app
            .get(&format!(
                "/indicators/{ind}/export?area={lahti}&year=2022&format=csv"
            ))
            .await;
        res.assert_status(200);
    }
);
