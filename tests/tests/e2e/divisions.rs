//! Issue 22: the whole country's divisions — village files for every county, served as the
//! fixed `/divisions/villages/<county>.tsv`, and the server's village search.

use serde_json::Value;

use crate::helpers::*;

async fn get(app: &TestApp, path: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, res.json().await.unwrap_or(Value::Null), headers)
}

#[tokio::test]
async fn every_county_has_its_village_file_and_a_prefecture_without_counties_too() {
    // Arrange
    let app = spawn_app_with_spa().await;

    // Act: 渝北区, 长春 朝阳区 (outside 南关区) and 东莞市 (no county level: 441900).
    let mut bodies = Vec::new();
    for county in ["500112", "220104", "441900"] {
        let res = app
            .client
            .get(app.url(&format!("/divisions/villages/{county}.tsv")))
            .send()
            .await
            .unwrap();
        bodies.push((res.status().as_u16(), res.text().await.unwrap()));
    }
    let index = app
        .client
        .get(app.url("/divisions/villages.txt"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    // Assert: `code<TAB>name` lines of that county's villages, and the index lists them all.
    for ((status, body), county) in bodies.iter().zip(["500112", "220104", "441900"]) {
        assert_eq!(*status, 200, "{county}");
        let first = body.lines().next().unwrap();
        let (code, name) = first.split_once('\t').unwrap();
        assert!(code.starts_with(county) && code.len() == 12, "{first}");
        assert!(!name.is_empty());
        assert!(
            index.lines().any(|l| l == county),
            "{county} in villages.txt"
        );
    }
    assert!(index.lines().count() > 2_800, "every county");
}

#[tokio::test]
async fn the_village_search_finds_a_community_by_name_or_initials() {
    // Arrange
    let app = spawn_app_with_spa().await;

    // Act
    let (status, by_name, _) = get(&app, "/api/divisions/search?q=四牌坊").await;
    let (_, by_initials, _) = get(&app, "/api/divisions/search?q=spfsq").await;
    let (empty_status, empty, _) = get(&app, "/api/divisions/search?q=%20").await;
    let long = "很".repeat(21);
    let (long_status, _, _) = get(&app, &format!("/api/divisions/search?q={long}")).await;

    // Assert
    assert_eq!(status, 200, "{by_name}");
    let codes = |v: &Value| -> Vec<String> {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        codes(&by_name).contains(&"500116001005".to_string()),
        "{by_name}"
    );
    assert!(
        codes(&by_initials).contains(&"500116001005".to_string()),
        "{by_initials}"
    );
    assert!(codes(&by_initials).len() <= 20);
    assert_eq!(
        (empty_status, empty["code"].as_str()),
        (400, Some("invalid_request"))
    );
    assert_eq!(long_status, 400);
}

#[tokio::test]
async fn without_an_index_the_village_search_says_so() {
    let app = spawn_app().await;
    let (status, p, _) = get(&app, "/api/divisions/search?q=四牌坊").await;
    assert_eq!(
        (status, p["code"].as_str()),
        (503, Some("search_unavailable")),
        "{p}"
    );
}

#[tokio::test]
async fn a_division_code_nobody_has_is_refused_with_every_field_named() {
    // Arrange: well-formed codes that no division has (江津区 has no township 999).
    let app = spawn_app_with_spa().await;
    let situation = serde_json::json!({"service": "birth_service", "division": "500116999",
        "date": "2026-03-02", "marriage": "first", "hukou": {"husband": "420799", "wife": "500116"}});

    // Act
    let res = app
        .client
        .post(app.url("/api/eligibility"))
        .json(&situation)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let p: Value = res.json().await.unwrap();
    let (_, health, _) = get(&app, "/api/health").await;

    // Assert
    assert_eq!(status, 400, "{p}");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == "unknown_division")
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["division", "hukou.husband"], "{p}");
    assert_eq!(health["divisions"], "checked");
}
