//! The demo's synthetic values and the flags drawn from them, each explained in one
//! sentence in Finnish, Swedish and English.

use super::*;
use crate::both;

both!(
    the_demo_values_are_written_once_and_labelled_synthetic,
    |app| async move {
        let app = app.with_demo().await;
        let first = scalar(&app, "SELECT COUNT(*) FROM indicator_values", &[]).await;
        assert!(first > 3000, "{first}");
        let again = tuuli::knowledge::demo::load(&app.db).await.unwrap();
        assert_eq!(again.import_id, None);
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values", &[]).await,
            first
        );
        let synthetic = scalar(&app, "SELECT COUNT(*) FROM indicator_values v JOIN imports i ON i.id = v.import_id WHERE i.kind = 'demo' AND i.is_synthetic", &[]).await;
        assert_eq!(synthetic, first);
        let sysma = area(&app, "municipality", "781").await;
        let p = profile(&app, sysma, "").await;
        assert_eq!(p["synthetic"], true);
        let page = app
            .get(&format!("/areas/{sysma}/profile?set=substance_key&lang=fi"))
            .await;
        page.assert_status(200);
        assert!(page.body.contains("Synteettistä aineistoa"));
        assert!(page.body.contains("CC BY 4.0"));
    }
);

both!(
    the_demos_real_difference_is_flagged_worse_and_worsening_and_its_noise_is_not,
    |app| async move {
        let app = app.with_demo().await;
        let real = demo_indicator(&app, tuuli::knowledge::demo_gen::REAL_INDICATOR).await;
        let noisy = demo_indicator(&app, tuuli::knowledge::demo_gen::NOISY_INDICATOR).await;
        let sysma = area(&app, "municipality", tuuli::knowledge::demo_gen::REAL).await;
        let padasjoki = area(&app, "municipality", tuuli::knowledge::demo_gen::NOISY).await;
        let list = flags(&app, sysma, "en").await;
        let f = list
            .iter()
            .find(|f| f["indicator_id"] == real)
            .expect("Sysmä's flag");
        assert_eq!(f["kind"], "worse_and_worsening");
        assert_eq!(
            list[0]["kind"], "worse_and_worsening",
            "both are listed first"
        );
        // Padasjoki's latest value looks alarming, but its interval holds the benchmarks.
        let p = profile(&app, padasjoki, "").await;
        let row = p["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"]["id"] == noisy)
            .unwrap();
        let (v, c) = (
            row["latest"]["value"].as_f64().unwrap(),
            row["country"]["value"].as_f64().unwrap(),
        );
        assert!(v > 1.5 * c, "not alarming: {v} vs {c}");
        assert!(row["latest"]["lower95"].as_f64().unwrap() <= c);
        assert_eq!(row["vs_country"], "similar");
        assert_eq!(row["vs_region"], "similar");
        assert!(
            flags(&app, padasjoki, "en")
                .await
                .iter()
                .all(|f| f["indicator_id"] != noisy)
        );
    }
);

both!(
    a_flag_is_explained_in_one_sentence_in_finnish_swedish_and_english,
    |app| async move {
        let app = app.with_demo().await;
        let real = demo_indicator(&app, tuuli::knowledge::demo_gen::REAL_INDICATOR).await;
        let sysma = area(&app, "municipality", "781").await;
        for (lang, words) in [
            (
                "fi",
                [
                    "Sysmä",
                    "tilastollisesti merkitsevästi huonompi kuin koko maassa",
                    "95 %:n luottamustasolla",
                ],
            ),
            (
                "sv",
                [
                    "Sysmä",
                    "statistiskt signifikant sämre än i hela landet",
                    "konfidensnivån 95 %",
                ],
            ),
            (
                "en",
                [
                    "Sysmä",
                    "significantly worse than in the whole country",
                    "95 % confidence level",
                ],
            ),
        ] {
            let list = flags(&app, sysma, lang).await;
            let f = list.iter().find(|f| f["indicator_id"] == real).unwrap();
            let text = f["explanation"].as_str().unwrap();
            for w in words {
                assert!(text.contains(w), "{lang}: {w:?} not in {text:?}");
            }
            assert_eq!(text.matches(". ").count(), 0, "one sentence: {text}");
            assert!(text.contains("2024"), "the data year: {text}");
            if lang != "en" {
                assert!(text.contains(','), "decimal comma: {text}");
            }
        }
    }
);
