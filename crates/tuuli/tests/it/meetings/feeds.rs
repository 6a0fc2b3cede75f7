//! The iCalendar feeds.

use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use super::*;
use crate::both;
use crate::helpers::Res;

/// Checks RFC 5545 framing and returns the unfolded content lines.
fn ical_lines(res: &Res) -> Vec<String> {
    res.assert_status(200);
    let ct = res
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(ct, "text/calendar; charset=utf-8");
    let body = &res.body;
    assert!(body.ends_with("\r\n"), "no final CRLF");
    let physical: Vec<&str> = body.trim_end_matches("\r\n").split("\r\n").collect();
    for l in &physical {
        assert!(
            !l.contains('\n') && !l.contains('\r'),
            "bare line break in {l:?}"
        );
        assert!(l.len() <= 75, "{} octets: {l:?}", l.len());
    }
    let unfolded = body.replace("\r\n ", "");
    let lines: Vec<String> = unfolded
        .trim_end_matches("\r\n")
        .split("\r\n")
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    for head in ["VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"] {
        assert!(lines.iter().any(|l| l == head), "{head} missing");
    }
    assert!(
        lines.iter().any(|l| l.starts_with("PRODID:"))
            && lines.iter().any(|l| l.starts_with("X-WR-CALNAME:"))
    );
    let count = |s: &str| lines.iter().filter(|l| *l == s).count();
    assert_eq!(count("BEGIN:VEVENT"), count("END:VEVENT"));
    lines
}

both!(
    the_calendar_feeds_are_valid_icalendar_and_hold_only_public_meetings,
    |app| async move {
        let app = app.with_demo().await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("k@example.fi").await;
        let coord = group_id(&app, "Ehkäisevän työn seutukoordinaatioryhmä").await;
        let title = "Päijät-Hämeen ehkäisevän työn seutukoordinaatioryhmän ylimääräinen kokous: hyvinvointikertomus, päihdeavainindikaattorit; äänestys";
        let res = app.api(Method::POST, "/api/v1/meetings", Some(&token), Some(json!({
            "group_id": coord, "title": title, "starts_at": "2030-07-01T13:00", "ends_at": "2030-07-01T15:30",
            "place": "Lahti", "is_public": true, "agenda": ["Avaus", "Hyvinvointikertomus, luonnos"]
        }))).await;
        res.assert_status(201);
        let id = res.json()["id"].as_i64().unwrap();
        let winter = app.api(Method::POST, "/api/v1/meetings", Some(&token), Some(json!({
            "group_id": coord, "title": "Talvikokous", "starts_at": "2031-01-15T13:00", "ends_at": "2031-01-15T14:00", "is_public": true
        }))).await.json()["id"].as_i64().unwrap();

        let all = app.get("/meetings.ics").await;
        let lines = ical_lines(&all);
        // Two public demo meetings and the two above; the internal ones never.
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 4);
        let text = lines.join("\n");
        assert!(!text.contains("Mielenterveys- ja") && !text.contains("Digi- ja rahapeli"));
        assert!(!text.contains("meet.example.fi"));
        assert!(lines.contains(&format!("UID:meeting-{id}@tuuli")));
        let escaped = "SUMMARY:Päijät-Hämeen ehkäisevän työn seutukoordinaatioryhmän ylimääräinen kokous: hyvinvointikertomus\\, päihdeavainindikaattorit\\; äänestys";
        assert!(
            lines.iter().any(|l| l == escaped),
            "summary not escaped and unfolded back: {lines:#?}"
        );
        assert!(all.body.contains("\r\n "), "a long line was not folded");
        // Helsinki is UTC+3 in summer and UTC+2 in winter.
        assert!(lines.iter().any(|l| l == "DTSTART:20300701T100000Z"));
        assert!(lines.iter().any(|l| l == "DTEND:20300701T123000Z"));
        assert!(lines.iter().any(|l| l == "DTSTART:20310115T110000Z"));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("DESCRIPTION:1. Avaus\\n2. Hyvinvointikertomus\\, luonnos"))
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("DTSTAMP:") && l.ends_with('Z'))
        );

        // A group's feed: the gambling group has only an internal meeting.
        let gambling = group_id(&app, "Digi- ja rahapelihaittojen").await;
        let g = ical_lines(&app.get(&format!("/groups/{gambling}/meetings.ics")).await);
        assert!(!g.iter().any(|l| l == "BEGIN:VEVENT"));
        let c = ical_lines(&app.get(&format!("/groups/{coord}/meetings.ics")).await);
        assert_eq!(c.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 4);
        app.get("/groups/999999/meetings.ics")
            .await
            .assert_status(404);

        // One meeting: public for everyone; an internal one only for its group.
        let one = ical_lines(&app.get(&format!("/meetings/{winter}.ics")).await);
        assert_eq!(one.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1);
        let internal = meeting_id(&app, GAMBLING).await;
        app.get(&format!("/meetings/{internal}.ics"))
            .await
            .assert_status(404);
        sign_in_demo(&app, "jasen@example.fi").await;
        let mine = ical_lines(&app.get(&format!("/meetings/{internal}.ics")).await);
        assert!(
            mine.iter()
                .any(|l| l == "SUMMARY:Digi- ja rahapelihaittojen asiantuntijaryhmä (esimerkki)")
        );
        // Signed in or not, the feeds stay public only.
        assert!(
            !app.get("/meetings.ics")
                .await
                .body
                .contains("Digi- ja rahapeli")
        );
    }
);
