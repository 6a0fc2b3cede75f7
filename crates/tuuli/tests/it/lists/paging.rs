//! Long lists: keyset pages in a stable order, a count capped at its limit, and searches
//! with many matches that list the same pages as sorting them.

use super::*;
use crate::both;

/// Inserts organisations with these names, one SQL statement each (faster than the store
/// for hundreds), keys folded like the store's.
pub(super) async fn bulk_orgs(app: &crate::helpers::TestApp, names: &[String]) {
    let now = chrono::Utc::now();
    for name in names {
        let key = tuuli::db::keys::fold(name);
        tuuli::with_db!(&app.db, p => sqlx::query("INSERT INTO organisations (name_fi, org_type, created_at, updated_at, name_key, search_key) VALUES ($1, 'ngo', $2, $2, $3, $3)")
            .bind(name).bind(now).bind(&key).execute(p).await.map(|_| ())).expect("org");
    }
}

/// The `href` of the pager link with `rel`.
pub(super) fn pager_link(body: &str, rel: &str) -> Option<String> {
    let at = body.find(&format!("<a rel=\"{rel}\" href=\""))?;
    let s = &body[at + rel.len() + 16..];
    Some(
        s[..s.find('"')?]
            .replace("&amp;", "&")
            .replace("&#x2f;", "/"),
    )
}

/// The ids of the people listed on a page, in order.
fn people_on(body: &str) -> Vec<i64> {
    body.split("<th scope=\"row\"><a href=\"/people/")
        .skip(1)
        .map(|s| s[..s.find('"').expect("id")].parse().expect("number"))
        .collect()
}

both!(
    keyset_pages_walk_the_whole_list_in_a_stable_order_even_with_equal_names,
    |app| async move {
        // 60 people, 30 of them with the very same name: the id breaks the tie, so pages
        // neither repeat nor skip anyone.
        let now = chrono::Utc::now();
        let mut expected: Vec<(String, i64)> = Vec::new();
        for n in 0..60 {
            let name = if n % 2 == 0 {
                "Äijä Sama".to_owned()
            } else {
                format!("Äijä {n:02}")
            };
            let key = tuuli::db::keys::fold(&name);
            let id = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("INSERT INTO people (name, created_at, updated_at, name_key, search_key) VALUES ($1, $2, $2, $3, $3) RETURNING id")
                .bind(&name).bind(now).bind(&key).fetch_one(p).await).expect("person");
            expected.push((key, id));
        }
        coordinator(&app).await;
        expected.sort();
        let sorted: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();
        let mut seen: Vec<i64> = Vec::new();
        let mut url = "/people".to_owned();
        let mut pages = 0;
        loop {
            let page = app.get(&url).await;
            page.assert_status(200);
            seen.extend(people_on(&page.body));
            pages += 1;
            match pager_link(&page.body, "next") {
                Some(next) => {
                    assert!(next.contains("after="), "{next}");
                    url = next;
                }
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen, sorted, "everyone once, by name and then id");
        // Back from page 3 with ?before=: page 2 again, the same people.
        let page3 = app.get(&url).await;
        let prev = pager_link(&page3.body, "prev").expect("prev");
        assert!(prev.contains("before="), "{prev}");
        assert_eq!(
            people_on(&app.get(&prev).await.body),
            sorted[25..50].to_vec()
        );
        // The same page by number (OFFSET) is the same as by cursor.
        let by_number = app.get("/people?page=2").await;
        assert_eq!(people_on(&by_number.body), sorted[25..50].to_vec());
        // A cursor whose row is gone falls back to the page number.
        let gone = app.get("/people?page=2&after=999999").await;
        assert_eq!(people_on(&gone.body), sorted[25..50].to_vec());
        // A deep page by number has the right rows too.
        let page3 = app.get("/people?page=3").await;
        assert_eq!(people_on(&page3.body), sorted[50..].to_vec());
    }
);

both!(
    a_list_counts_exactly_up_to_the_cap_and_says_more_than_the_cap_beyond_it,
    |app| async move {
        let cap = tuuli::core::paging::Paging::COUNT_CAP as usize;
        let names: Vec<String> = (0..cap).map(|n| format!("Seura {n:04}")).collect();
        bulk_orgs(&app, &names).await;
        let page = app.get("/organisations?lang=en").await;
        assert!(
            page.body.contains(&format!("{cap} items")),
            "exactly the cap: an exact count"
        );
        bulk_orgs(&app, &["Seura viimeinen".to_owned()]).await;
        let page = app.get("/organisations").await;
        assert!(
            page.body.contains(&format!("More than {cap} items")),
            "{}",
            &page.body[..2000.min(page.body.len())]
        );
        // The capped pager still walks on (no total of pages is known).
        assert!(page.body.contains("Page 1<") && pager_link(&page.body, "next").is_some());
        // A page by number past the cap with rows says "more than" too (its rows show
        // it); one past the list's end is counted exactly.
        let deep = app.get("/organisations?page=41&lang=en").await;
        assert!(deep.body.contains(&format!("More than {cap} items")));
        assert!(deep.body.contains("Seura viimeinen"), "the 1,001st row");
        let past = app.get("/organisations?page=999&lang=en").await;
        past.assert_status(200);
        assert!(past.body.contains(&format!("More than {cap} items")));
        // Past the end of a shorter list (no foundations are registered): its page is
        // empty, so it is counted, exactly.
        let none = app
            .get("/organisations?type=foundation&page=999&lang=en")
            .await;
        none.assert_status(200);
        let status = none
            .body
            .split("role=\"status\">")
            .nth(1)
            .unwrap_or(&none.body);
        assert!(
            status.starts_with("0 items"),
            "{}",
            &status[..80.min(status.len())]
        );
        // The JSON list counts exactly.
        let res = app
            .api(
                axum::http::Method::GET,
                "/api/v1/organisations?per_page=1",
                None,
                None,
            )
            .await;
        assert_eq!(res.json()["total"], (cap + 1) as i64);
        assert_eq!(res.json()["total_capped"], false);
        // A search is counted (and capped) the same way: "seura" matches all, "0999" one.
        let page = app.get("/organisations?q=seura").await;
        assert!(page.body.contains(&format!("More than {cap} items")));
        let page = app.get("/organisations?q=0999").await;
        assert!(
            page.body.contains("1 item<") || page.body.contains("1 item"),
            "{}",
            page.body
        );
        // The JSON list counts a search up to the cap too, and says so; its pages go on
        // past the cap, to the last match.
        let searched = api_json(&app, "/api/v1/organisations?q=seura&per_page=200", None).await;
        assert_eq!(
            (&searched["total"], &searched["total_capped"]),
            (&serde_json::json!(cap), &serde_json::json!(true)),
            "{}",
            searched["total"]
        );
        let url = format!(
            "/api/v1/organisations?q=seura&per_page=200&page={}",
            cap / 200 + 1
        );
        let last = api_json(&app, &url, None).await;
        assert_eq!(last["items"].as_array().expect("items").len(), 1);
        assert_eq!(last["items"][0]["name_fi"], "Seura viimeinen");
        let one = api_json(&app, "/api/v1/organisations?q=0999", None).await;
        assert_eq!(
            (&one["total"], &one["total_capped"]),
            (&serde_json::json!(1), &serde_json::json!(false))
        );
    }
);

/// 2,400 organisations "Yhdistys 1NNNN nuoriso|muu" (every third one "nuoriso", spread
/// evenly through the name order) and 300 "Öljy 1NNN" (which sort after all of them), in
/// two statements.
async fn search_registry(app: &crate::helpers::TestApp) {
    let now = chrono::Utc::now();
    tuuli::with_db!(&app.db, p => sqlx::query(
        "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 2399) \
         INSERT INTO organisations (name_fi, org_type, created_at, updated_at, name_key, search_key) \
         SELECT 'Yhdistys ' || (10000 + n) || CASE WHEN n % 3 = 0 THEN ' nuoriso' ELSE ' muu' END, 'ngo', $1, $1, \
                'yhdistys ' || (10000 + n) || CASE WHEN n % 3 = 0 THEN ' nuoriso' ELSE ' muu' END, \
                'yhdistys ' || (10000 + n) || CASE WHEN n % 3 = 0 THEN ' nuoriso' ELSE ' muu' END FROM s")
        .bind(now).execute(p).await.map(|_| ())).expect("orgs");
    tuuli::with_db!(&app.db, p => sqlx::query(
        "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 299) \
         INSERT INTO organisations (name_fi, org_type, created_at, updated_at, name_key, search_key) \
         SELECT 'Öljy ' || (1000 + n), 'ngo', $1, $1, 'öljy ' || (1000 + n), 'öljy ' || (1000 + n) FROM s")
        .bind(now).execute(p).await.map(|_| ())).expect("orgs");
}

/// The ids of the organisations whose search key contains `text`, sorted by name.
pub(super) async fn sorted_matches(app: &crate::helpers::TestApp, text: &str) -> Vec<i64> {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM organisations WHERE search_key LIKE $1 ORDER BY name_key, id")
        .bind(format!("%{text}%")).fetch_all(p).await)
    .expect("matches")
}

/// The ids of the organisations listed on a page, in order.
pub(super) fn orgs_on(body: &str) -> Vec<i64> {
    body.split("<th scope=\"row\"><a href=\"/organisations/")
        .skip(1)
        .map(|s| s[..s.find('"').expect("id")].parse().expect("number"))
        .collect()
}

both!(
    a_search_with_many_matches_walks_the_name_index_and_lists_the_same_pages_as_sorting_them,
    |app| async move {
        use tuuli::core::paging::Paging;
        use tuuli::db::filter::Filter;
        search_registry(&app).await;
        let nuoriso = sorted_matches(&app, "nuoriso").await;
        assert_eq!(nuoriso.len(), 800);
        // The walk finds the first page (and the row after it) among its first entries.
        let mut f = Filter::new();
        f.search(&app.db, "organisations", "o", "NUORISO");
        let paging = Paging::new(None, None, 25);
        let walked = f
            .walk_page_ids(&app.db, "organisations", "o", &paging, 800)
            .await
            .expect("walk");
        assert_eq!(walked, Some(nuoriso[..26].to_vec()));
        // Matches that all sort after the walk's last entry: no answer from the walk.
        let mut f = Filter::new();
        f.search(&app.db, "organisations", "o", "öljy");
        let walked = f
            .walk_page_ids(&app.db, "organisations", "o", &paging, 300)
            .await
            .expect("walk");
        assert_eq!(walked, None);

        // The list pages: by number, by the pager's keyset links forwards and back.
        let page = app.get("/organisations?q=nuoriso&lang=en").await;
        page.assert_status(200);
        assert!(
            page.body.contains("800 items"),
            "an exact count below the cap"
        );
        assert_eq!(orgs_on(&page.body), nuoriso[..25].to_vec());
        let next = pager_link(&page.body, "next").expect("next");
        assert!(next.contains("after="), "{next}");
        let page2 = app.get(&next).await;
        assert_eq!(orgs_on(&page2.body), nuoriso[25..50].to_vec());
        let prev = pager_link(&page2.body, "prev").expect("prev");
        assert_eq!(orgs_on(&app.get(&prev).await.body), nuoriso[..25].to_vec());
        let page3 = app.get("/organisations?q=nuoriso&page=3").await;
        assert_eq!(orgs_on(&page3.body), nuoriso[50..75].to_vec());
        // The JSON list: a page of 10, counted exactly.
        let (ids, total) =
            api_orgs(&app, "/api/v1/organisations?q=nuoriso&per_page=10&page=2").await;
        assert_eq!(total, 800);
        assert_eq!(ids, nuoriso[10..20].to_vec());

        // Matches late in the alphabet: found by sorting them, the same pages.
        let oljy = sorted_matches(&app, "öljy").await;
        assert_eq!(oljy.len(), 300);
        let page = app.get("/organisations?q=%C3%96LJY&lang=en").await;
        assert!(page.body.contains("300 items"));
        assert_eq!(orgs_on(&page.body), oljy[..25].to_vec());
        let page2 = app
            .get(&pager_link(&page.body, "next").expect("next"))
            .await;
        assert_eq!(orgs_on(&page2.body), oljy[25..50].to_vec());
        // The last page of a search (fewer rows than a page): no next link.
        let last = app.get("/organisations?q=%C3%B6ljy&page=12").await;
        assert_eq!(orgs_on(&last.body), oljy[275..].to_vec());
        assert!(pager_link(&last.body, "next").is_none());
    }
);

both!(
    a_people_search_with_many_matches_lists_the_same_pages_as_sorting_them,
    |app| async move {
        let now = chrono::Utc::now();
        // 2,100 people, every fifth a "Mäkinen" (spread through the name order), one of
        // them erased (a tombstone is never listed).
        tuuli::with_db!(&app.db, p => sqlx::query(
            "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 2099) \
             INSERT INTO people (name, created_at, updated_at, name_key, search_key) \
             SELECT 'Henkilö ' || (10000 + n) || CASE WHEN n % 5 = 0 THEN ' Mäkinen' ELSE ' Muu' END, $1, $1, \
                    'henkilö ' || (10000 + n) || CASE WHEN n % 5 = 0 THEN ' mäkinen' ELSE ' muu' END, \
                    'henkilö ' || (10000 + n) || CASE WHEN n % 5 = 0 THEN ' mäkinen' ELSE ' muu' END FROM s")
            .bind(now).execute(p).await.map(|_| ())).expect("people");
        tuuli::with_db!(&app.db, p => sqlx::query(
            "UPDATE people SET erased = TRUE, search_key = '' WHERE name = 'Henkilö 10005 Mäkinen'")
            .execute(p).await.map(|_| ()))
        .expect("erase");
        let expected: Vec<i64> = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
            "SELECT id FROM people WHERE erased = FALSE AND search_key LIKE '%mäkinen%' ORDER BY name_key, id")
            .fetch_all(p).await).expect("expected");
        assert_eq!(expected.len(), 419);
        app.add_user("admin@example.fi", Role::Admin, None, None)
            .await;
        let token = app.token_for("admin@example.fi").await;
        for (page, range) in [(1, 0..20), (2, 20..40), (21, 400..419)] {
            let (ids, total) = api_ids(
                &app,
                &format!("/api/v1/people?q=M%C3%84KINEN&per_page=20&page={page}"),
                Some(&token),
            )
            .await;
            assert_eq!(total, 419);
            assert_eq!(ids, expected[range].to_vec(), "page {page}");
        }
    }
);

/// A JSON list's answer (anonymous, or with a token), which must be 200.
/// Inserts `count` people numbered from `first` (their keys folded as the stores fold
/// them): those whose `n` (0, 1, …) meets the SQL condition `chosen` are named
/// `names.0` + number, the others `names.1` + number; erases the one named `erased` as
/// erasure does (an empty search key); returns the ids of the living people whose search
/// key holds `found`, in name order.
async fn seed_people(
    app: &crate::helpers::TestApp,
    count: i64,
    chosen: &str,
    names: (&str, &str),
    first: i64,
    erased: &str,
    found: &str,
) -> Vec<i64> {
    use tuuli::db::keys::fold;
    let sql = format!(
        "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < $2 - 1) \
         INSERT INTO people (name, created_at, updated_at, name_key, search_key) \
         SELECT CASE WHEN {chosen} THEN $3 ELSE $4 END || ($7 + n), $1, $1, \
                CASE WHEN {chosen} THEN $5 ELSE $6 END || ($7 + n), \
                CASE WHEN {chosen} THEN $5 ELSE $6 END || ($7 + n) FROM s"
    );
    let (name, other) = names;
    tuuli::with_db!(&app.db, p => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(chrono::Utc::now()).bind(count).bind(name).bind(other)
        .bind(fold(name)).bind(fold(other)).bind(first)
        .execute(p).await.map(|_| ()))
    .expect("people");
    tuuli::with_db!(&app.db, p => sqlx::query(
        "UPDATE people SET erased = TRUE, search_key = '' WHERE name = $1")
        .bind(erased).execute(p).await.map(|r| assert_eq!(r.rows_affected(), 1, "{erased}")))
    .expect("erase");
    tuuli::with_db!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM people WHERE erased = FALSE AND search_key LIKE $1 ORDER BY name_key, id")
        .bind(format!("%{found}%")).fetch_all(p).await)
    .expect("expected")
}

pub(super) async fn api_json(
    app: &crate::helpers::TestApp,
    url: &str,
    token: Option<&str>,
) -> serde_json::Value {
    let res = app.api(axum::http::Method::GET, url, token, None).await;
    res.assert_status(200);
    res.json()
}

/// The ids of the items in a JSON list's answer, and its total (anonymous, or with a token).
pub(super) async fn api_ids(
    app: &crate::helpers::TestApp,
    url: &str,
    token: Option<&str>,
) -> (Vec<i64>, i64) {
    let json = api_json(app, url, token).await;
    let ids = json["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| o["id"].as_i64().expect("id"))
        .collect();
    (ids, json["total"].as_i64().expect("total"))
}

/// The ids of the organisations in an anonymous JSON list's answer, and its total.
pub(super) async fn api_orgs(app: &crate::helpers::TestApp, url: &str) -> (Vec<i64>, i64) {
    api_ids(app, url, None).await
}

both!(
    a_search_whose_matches_are_few_or_sort_late_lists_and_counts_them_as_sorting_them_would,
    |app| async move {
        search_registry(&app).await;
        // 1,100 more names after every other ("Åbo förening NNNN": å sorts after z), so
        // that a search of them passes the count cap and the walk finds none of them.
        let now = chrono::Utc::now();
        tuuli::with_db!(&app.db, p => sqlx::query(
            "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 1099) \
             INSERT INTO organisations (name_fi, org_type, created_at, updated_at, name_key, search_key) \
             SELECT 'Åbo förening ' || (5000 + n), 'ngo', $1, $1, 'åbo förening ' || (5000 + n), 'åbo förening ' || (5000 + n) FROM s")
            .bind(now).execute(p).await.map(|_| ())).expect("orgs");
        let forening = sorted_matches(&app, "förening").await;
        assert_eq!(forening.len(), 1100);
        let cap = tuuli::core::paging::Paging::COUNT_CAP;

        // The page: capped count, the first matches by name, and the pager goes on.
        let page = app.get("/organisations?q=F%C3%B6rening&lang=en").await;
        page.assert_status(200);
        assert!(page.body.contains(&format!("More than {cap} items")));
        assert_eq!(orgs_on(&page.body), forening[..25].to_vec());
        let next = pager_link(&page.body, "next").expect("next");
        assert_eq!(
            orgs_on(&app.get(&next).await.body),
            forening[25..50].to_vec()
        );
        let deep = app.get("/organisations?q=f%C3%B6rening&page=44").await;
        assert_eq!(orgs_on(&deep.body), forening[1075..1100].to_vec());
        assert!(pager_link(&deep.body, "next").is_none(), "the last page");

        // The JSON list counts up to the cap as the page does; its pages go on to the
        // last match, and past its end an empty page.
        let url = "/api/v1/organisations?q=f%C3%B6rening&per_page=200";
        assert_eq!(api_orgs(&app, url).await, (forening[..200].to_vec(), cap));
        let last = api_orgs(&app, &format!("{url}&page=6")).await;
        assert_eq!(last, (forening[1000..].to_vec(), cap));
        let past = api_orgs(&app, &format!("{url}&page=7")).await;
        assert_eq!(past, (vec![], cap));

        // Few matches, in and after the alphabet ("1012": Yhdistys 10120–10129 and 11012,
        // and Öljy 1012): all of them, by name, on one page, counted exactly.
        let few = sorted_matches(&app, "1012").await;
        assert_eq!(few.len(), 12);
        let page = app.get("/organisations?q=1012&lang=en").await;
        assert!(page.body.contains("12 items"));
        assert_eq!(orgs_on(&page.body), few);
        assert_eq!(
            api_orgs(&app, "/api/v1/organisations?q=1012&per_page=5&page=3").await,
            (few[10..].to_vec(), 12)
        );
        // Nothing found: an empty page counted as zero.
        assert_eq!(
            api_orgs(&app, "/api/v1/organisations?q=%C3%A5%C3%A4%C3%B6x").await,
            (vec![], 0)
        );
    }
);

both!(
    a_people_search_of_few_matches_after_z_lists_and_counts_them_without_the_erased,
    |app| async move {
        // 600 people: every twentieth an "Örjan Öhman" (after z in the name order), the
        // rest "Henkilö"; one Örjan erased.
        let expected = seed_people(
            &app,
            600,
            "n % 20 = 0",
            ("Örjan Öhman ", "Henkilö "),
            1000,
            "Örjan Öhman 1020",
            "örjan ö",
        )
        .await;
        assert_eq!(expected.len(), 29);
        app.add_user("admin@example.fi", Role::Admin, None, None)
            .await;
        let token = app.token_for("admin@example.fi").await;
        for (page, range) in [(1, 0..20), (2, 20..29), (3, 29..29)] {
            let (ids, total) = api_ids(
                &app,
                &format!("/api/v1/people?q=%C3%96RJAN%20%C3%B6&per_page=20&page={page}"),
                Some(&token),
            )
            .await;
            assert_eq!(total, 29, "page {page}");
            assert_eq!(ids, expected[range].to_vec(), "page {page}");
        }
    }
);

/// `SELECT COUNT(*) FROM organisations`.
async fn actual(app: &crate::helpers::TestApp) -> i64 {
    scalar(app, "SELECT COUNT(*) FROM organisations").await
}

/// The total of the JSON list of every organisation.
async fn total(app: &crate::helpers::TestApp) -> i64 {
    api_orgs(app, "/api/v1/organisations?per_page=1").await.1
}

both!(
    the_json_list_of_every_organisation_counts_exactly_through_inserts_deletes_and_bulk_loads,
    |app| async move {
        use axum::http::Method;
        let before = actual(&app).await;
        assert_eq!(total(&app).await, before);
        app.add_user("adm@example.fi", Role::Admin, None, None)
            .await;
        let token = app.token_for("adm@example.fi").await;
        let res = app
            .api(
                Method::POST,
                "/api/v1/organisations",
                Some(&token),
                Some(serde_json::json!({"name_fi": "Laskettava ry", "org_type": "ngo"})),
            )
            .await;
        res.assert_status(201);
        let id = res.json()["id"].as_i64().expect("id");
        assert_eq!(total(&app).await, before + 1);
        // Many in one statement, and many deleted in one statement.
        search_registry(&app).await;
        assert_eq!(total(&app).await, before + 1 + 2700);
        tuuli::with_db!(&app.db, p => sqlx::query("DELETE FROM organisations WHERE name_fi LIKE 'Öljy 10%'")
            .execute(p).await.map(|_| ())).expect("delete");
        assert_eq!(total(&app).await, before + 1 + 2700 - 100);
        let res = app
            .api(
                Method::DELETE,
                &format!("/api/v1/organisations/{id}"),
                Some(&token),
                None,
            )
            .await;
        res.assert_status(204);
        assert_eq!(total(&app).await, actual(&app).await);
        assert_eq!(actual(&app).await, before + 2600);
    }
);

both!(
    a_people_search_through_the_api_counts_up_to_the_cap_and_pages_on_past_it,
    |app| async move {
        let cap = tuuli::core::paging::Paging::COUNT_CAP;
        // cap + 5 people "Testaaja NNNN", one more erased; and 40 others.
        let expected = seed_people(
            &app,
            cap + 46,
            &format!("n <= {}", cap + 5),
            ("Testaaja ", "Muu "),
            10000,
            "Testaaja 10000",
            "testaaja",
        )
        .await;
        assert_eq!(expected.len() as i64, cap + 5);
        app.add_user("admin@example.fi", Role::Admin, None, None)
            .await;
        let token = app.token_for("admin@example.fi").await;
        let first = api_json(&app, "/api/v1/people?q=TESTAAJA&per_page=200", Some(&token)).await;
        assert_eq!(first["total"], cap, "counted up to the cap");
        assert_eq!(first["total_capped"], true);
        // Past the cap the pages go on to the last match, in name order.
        let url = format!(
            "/api/v1/people?q=testaaja&per_page=200&page={}",
            cap / 200 + 1
        );
        let (ids, _) = api_ids(&app, &url, Some(&token)).await;
        assert_eq!(ids, expected[(cap as usize / 200) * 200..].to_vec());
        // A search below the cap, and the unsearched list, count exactly.
        let few = api_json(&app, "/api/v1/people?q=muu%2011", Some(&token)).await;
        assert_eq!(
            (&few["total"], &few["total_capped"]),
            (&serde_json::json!(40), &serde_json::json!(false))
        );
        let all = api_json(&app, "/api/v1/people?per_page=1", Some(&token)).await;
        assert_eq!(all["total_capped"], false);
        assert!(
            all["total"].as_i64().expect("total") > cap,
            "{}",
            all["total"]
        );
    }
);
