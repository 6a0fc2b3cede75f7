//! A search sees every committed change at once. On PostgreSQL a search whose matches
//! are the list is answered from the server's name index in memory (`db::names`), which
//! a change counter keeps exact: these tests change names through the app, through a
//! second handle on the same database (another server, with indexes of its own) and by
//! plain SQL (as `psql` or a migration would), and search again after each change.

use tuuli::auth::{Actor, Role};
use tuuli::db::Db;
use tuuli::network::organisations::{model::OrganisationInput, store as orgs};

use super::paging::{api_ids, api_orgs, bulk_orgs, orgs_on, pager_link, sorted_matches};
use crate::both;

/// Another server's handle on the same database: the same pool, its own name indexes.
fn another_server(db: &Db) -> Db {
    match db {
        Db::Sqlite(p) => Db::Sqlite(p.clone()),
        Db::Postgres(p, _) => Db::postgres(p.clone()),
    }
}

/// The ids and total of a search of organisations through `db`'s store.
async fn search(db: &Db, text: &str) -> (Vec<i64>, i64) {
    let f = orgs::OrgFilter {
        q: Some(text.to_owned()),
        ..Default::default()
    };
    let paging = tuuli::core::paging::Paging::new(None, None, 25).capped();
    let page = orgs::list(db, &f, paging).await.expect("list");
    (page.items.iter().map(|o| o.id).collect(), page.total)
}

async fn sql(app: &crate::helpers::TestApp, statement: &str, id: i64) {
    tuuli::with_db!(&app.db, p => sqlx::query(sqlx::AssertSqlSafe(statement)).bind(id).execute(p).await.map(|r| assert_eq!(r.rows_affected(), 1, "{statement}")))
        .expect(statement);
}

both!(
    a_search_sees_every_change_at_once_from_this_server_another_one_or_plain_sql,
    |app| async move {
        let other = another_server(&app.db);
        let url = "/api/v1/organisations?q=tuulimylly";
        let a = app.add_org("Tuulimylly ry", "ngo").await;
        assert_eq!(api_orgs(&app, url).await, (vec![a], 1));
        assert_eq!(search(&other, "TUULIMYLLY").await, (vec![a], 1));

        // Created by the other server: this one finds it (å sorts after t).
        let input = OrganisationInput {
            name_fi: "Ålands tuulimylly".into(),
            org_type: "ngo".into(),
            ..Default::default()
        };
        let b = orgs::create(&other, &input, &Actor::system("test"))
            .await
            .expect("org")
            .id;
        assert_eq!(api_orgs(&app, url).await, (vec![a, b], 2));

        // Renamed by plain SQL: found by the new name only, in its new place.
        sql(&app, "UPDATE organisations SET name_fi = 'Aamutuuli', name_key = 'aamutuuli', search_key = 'aamutuuli' WHERE id = $1", a).await;
        assert_eq!(api_orgs(&app, url).await, (vec![b], 1));
        assert_eq!(
            api_orgs(&app, "/api/v1/organisations?q=aamutuuli").await,
            (vec![a], 1)
        );

        // Deleted by plain SQL: gone from both servers' searches.
        sql(&app, "DELETE FROM organisations WHERE id = $1", b).await;
        assert_eq!(api_orgs(&app, url).await, (vec![], 0));
        assert_eq!(search(&other, "tuulimylly").await, (vec![], 0));
        assert_eq!(search(&other, "aamutuuli").await, (vec![a], 1));

        // People: a coordinator's search finds a new person, and after the erasure no
        // longer — neither by the old name nor by the e-mail address.
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("k@example.fi").await;
        let created = app
            .api(
                axum::http::Method::POST,
                "/api/v1/people",
                Some(&token),
                Some(serde_json::json!({"name": "Tuuli Tuulinen", "email": "tuuli@example.fi"})),
            )
            .await;
        created.assert_status(201);
        let person = created.json()["id"].as_i64().expect("id");
        let people = "/api/v1/people?q=tuulinen";
        assert_eq!(api_ids(&app, people, Some(&token)).await, (vec![person], 1));
        let erased = app
            .api(
                axum::http::Method::POST,
                &format!("/api/v1/people/{person}/erase"),
                Some(&token),
                None,
            )
            .await;
        assert!(erased.status.is_success(), "erase: {}", erased.status);
        assert_eq!(api_ids(&app, people, Some(&token)).await, (vec![], 0));
        assert_eq!(
            api_ids(&app, "/api/v1/people?q=tuuli%40example", Some(&token)).await,
            (vec![], 0)
        );
    }
);

both!(
    keyset_pages_of_a_search_go_forward_and_back_through_the_matches_in_name_order,
    |app| async move {
        // 70 matches among 140, some of them after z; the pager's keyset links forward
        // and back list the sorted matches.
        let names: Vec<String> = (0..140)
            .map(|n| match n % 4 {
                0 => format!("Tuulivoima {n:03}"),
                1 => format!("Ö-tuulivoima {n}"),
                _ => format!("Muu {n}"),
            })
            .collect();
        bulk_orgs(&app, &names).await;
        let expected = sorted_matches(&app, "tuulivoima").await;
        assert_eq!(expected.len(), 70);
        let first = app.get("/organisations?q=tuulivoima").await;
        first.assert_status(200);
        assert_eq!(orgs_on(&first.body), expected[..25].to_vec());
        let second = app
            .get(&pager_link(&first.body, "next").expect("next"))
            .await;
        assert_eq!(orgs_on(&second.body), expected[25..50].to_vec());
        let third = app
            .get(&pager_link(&second.body, "next").expect("next"))
            .await;
        assert_eq!(orgs_on(&third.body), expected[50..].to_vec());
        assert!(pager_link(&third.body, "next").is_none(), "the last page");
        let back = app
            .get(&pager_link(&third.body, "prev").expect("prev"))
            .await;
        assert_eq!(orgs_on(&back.body), expected[25..50].to_vec());
        let back = app
            .get(&pager_link(&back.body, "prev").expect("prev"))
            .await;
        assert_eq!(orgs_on(&back.body), expected[..25].to_vec());
    }
);
