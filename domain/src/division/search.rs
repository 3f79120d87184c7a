//! Finding a place by a few characters of its name or its pinyin initials (issue 22): one rule
//! for the browser's index (provinces to townships) and the server's (villages), so both rank
//! alike.

/// How well a place matches a query; lower is better, `None` is no match.
///
/// A query of letters matches the pinyin initials (四牌坊社区 → `spfsq`): at the start, then
/// anywhere. Any other query matches the name: at the start, then anywhere. Case and
/// surrounding spaces are ignored.
pub fn rank(query: &str, name: &str, initials: &str) -> Option<u8> {
    let q = query.trim();
    let first = q.chars().next()?;
    if q.chars().all(|c| c.is_ascii_alphabetic()) {
        // Most places lack the first letter: one byte scan rules them out before a substring
        // search is built (the browser runs this over 45,000 places a keystroke).
        let lower = first.to_ascii_lowercase();
        if !u8::try_from(lower).is_ok_and(|b| initials.as_bytes().contains(&b)) {
            return None;
        }
        let q = q.to_ascii_lowercase();
        return if initials.starts_with(&q) {
            Some(2)
        } else if initials.contains(&q) {
            Some(3)
        } else {
            None
        };
    }
    if !name.contains(first) {
        return None;
    }
    if name.starts_with(q) {
        Some(0)
    } else if name.contains(q) {
        Some(1)
    } else {
        None
    }
}

/// The best `limit` of `places` (`(code, name, initials)`), ranked by match, then by level
/// (provinces before villages), then by code.
pub fn best<'a, I>(query: &str, places: I, limit: usize) -> Vec<(&'a str, &'a str)>
where
    I: IntoIterator<Item = (&'a str, &'a str, &'a str)>,
{
    let mut hits: Vec<(u8, usize, &'a str, &'a str)> = places
        .into_iter()
        .filter_map(|(code, name, initials)| {
            rank(query, name, initials).map(|r| (r, code.len(), code, name))
        })
        .collect();
    if hits.len() > limit {
        hits.select_nth_unstable(limit);
        hits.truncate(limit);
    }
    hits.sort_unstable();
    hits.into_iter()
        .map(|(_, _, code, name)| (code, name))
        .collect()
}

/// The number of characters a query may have: longer input is not a place name.
pub const QUERY_MAX_CHARS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    const PLACES: [(&str, &str, &str); 4] = [
        ("500112", "渝北区", "ybq"),
        ("500116001", "几江街道", "jjjd"),
        ("500116001005", "四牌坊社区居民委员会", "spfsqjmwyh"),
        ("500112001", "双凤桥街道", "sfqjd"),
    ];

    #[test]
    fn names_and_initials_find_a_place_anywhere() {
        assert_eq!(
            best("四牌坊", PLACES, 10),
            [("500116001005", "四牌坊社区居民委员会")]
        );
        assert_eq!(best("ybq", PLACES, 10), [("500112", "渝北区")]);
        assert_eq!(best(" SPF ", PLACES, 10)[0].0, "500116001005");
        assert!(best("", PLACES, 10).is_empty());
    }

    #[test]
    fn starts_before_contains_and_higher_levels_first() {
        // "街道" is inside two names; both townships, ordered by code.
        assert_eq!(
            best("街道", PLACES, 10),
            [("500112001", "双凤桥街道"), ("500116001", "几江街道")]
        );
        assert_eq!(best("jj", PLACES, 1), [("500116001", "几江街道")]);
        assert_eq!(best("jd", PLACES, 1), [("500112001", "双凤桥街道")]);
        assert_eq!(rank("渝北", "渝北区", "ybq"), Some(0));
        assert_eq!(rank("北区", "渝北区", "ybq"), Some(1));
    }
}
