//! Vault's `bound_claims_type = "glob"` matcher (the `ryanuber/go-glob` semantics the plugin uses).
//!
//! Only `*` is special: it matches any run of characters, including none and including `/`. There is no
//! `?`, no character class and no escape. Matching is greedy-leftmost over the literal pieces between the
//! stars, which is exact for star-only patterns and runs in O(len(pattern) * len(subject)) at worst.

/// Does `pattern` (with `*` wildcards) match the whole of `subject`?
pub fn glob_match(pattern: &str, subject: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == subject;
    }
    let first = parts.first().copied().unwrap_or("");
    let last = parts.last().copied().unwrap_or("");
    let Some(mut rest) = subject.strip_prefix(first) else {
        return false;
    };
    // The middle pieces must appear in order; the leftmost occurrence leaves the most room after it.
    for middle in parts.iter().skip(1).take(parts.len().saturating_sub(2)) {
        match rest.find(middle) {
            Some(at) => rest = rest.get(at + middle.len()..).unwrap_or(""),
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn star_only_semantics() {
        assert!(glob_match("*", ""));
        assert!(glob_match("refs/heads/*", "refs/heads/main"));
        assert!(glob_match("refs/heads/*", "refs/heads/feature/x"));
        assert!(!glob_match("refs/heads/*", "refs/tags/v1"));
        assert!(glob_match("github.com/acme/*", "github.com/acme/"));
        assert!(glob_match("a*b*c", "abc"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
        assert!(
            !glob_match("ab*ba", "aba"),
            "prefix and suffix may not overlap"
        );
        assert!(glob_match("refs/heads/main", "refs/heads/main"));
        assert!(
            !glob_match("refs/heads/?ain", "refs/heads/main"),
            "`?` is literal"
        );
        assert!(!glob_match("Refs/*", "refs/heads/main"), "case-sensitive");
        assert!(glob_match("**", "anything"));
        assert!(glob_match("*é*", "café crème"));
    }

    #[test]
    fn long_inputs_stay_fast() {
        let subject = "a".repeat(200_000);
        let pattern = format!("{}b", "a*".repeat(500));
        assert!(!glob_match(&pattern, &subject));
    }
}
