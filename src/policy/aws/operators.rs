//! IAM condition operators: names, qualifiers (`ForAnyValue:`, `ForAllValues:`) and the `IfExists` suffix.
//! Operator names are matched in any case (IAM documents one spelling; a finding notes other spellings).

/// The operator family decides how values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

use std::borrow::Cow;

use Base::*;

pub const ALL: [Base; 27] = [
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
];

impl Base {
    pub fn name(self) -> &'static str {
        match self {
            StringEquals => "StringEquals",
            StringNotEquals => "StringNotEquals",
            StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            StringLike => "StringLike",
            StringNotLike => "StringNotLike",
            NumericEquals => "NumericEquals",
            NumericNotEquals => "NumericNotEquals",
            NumericLessThan => "NumericLessThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThan => "NumericGreaterThan",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            DateEquals => "DateEquals",
            DateNotEquals => "DateNotEquals",
            DateLessThan => "DateLessThan",
            DateLessThanEquals => "DateLessThanEquals",
            DateGreaterThan => "DateGreaterThan",
            DateGreaterThanEquals => "DateGreaterThanEquals",
            Bool => "Bool",
            BinaryEquals => "BinaryEquals",
            IpAddress => "IpAddress",
            NotIpAddress => "NotIpAddress",
            ArnEquals => "ArnEquals",
            ArnLike => "ArnLike",
            ArnNotEquals => "ArnNotEquals",
            ArnNotLike => "ArnNotLike",
            Null => "Null",
        }
    }

    pub fn family(self) -> Family {
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => Family::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Family::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    /// A negated operator is true when NO value matches (and on a missing key).
    pub fn negated(self) -> bool {
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// The positive operator a negated one negates (itself otherwise).
    pub fn positive(self) -> Base {
        match self {
            StringNotEquals => StringEquals,
            StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
            StringNotLike => StringLike,
            NumericNotEquals => NumericEquals,
            DateNotEquals => DateEquals,
            NotIpAddress => IpAddress,
            ArnNotEquals => ArnEquals,
            ArnNotLike => ArnLike,
            other => other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    ForAnyValue,
    ForAllValues,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    pub qualifier: Option<Qualifier>,
    pub base: Base,
    pub if_exists: bool,
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| s.get(..cut))
        .flatten()
}

impl Operator {
    /// Parse an operator as written (any case). `None` when IAM does not define it.
    pub fn parse(written: &str) -> Option<Operator> {
        let (qualifier, rest) = if let Some(r) = strip_prefix_ci(written, "ForAnyValue:") {
            (Some(Qualifier::ForAnyValue), r)
        } else if let Some(r) = strip_prefix_ci(written, "ForAllValues:") {
            (Some(Qualifier::ForAllValues), r)
        } else {
            (None, written)
        };
        let find = |name: &str| {
            ALL.iter()
                .copied()
                .find(|b| b.name().eq_ignore_ascii_case(name))
        };
        if let Some(base) = find(rest) {
            return Some(Operator {
                qualifier,
                base,
                if_exists: false,
            });
        }
        let base = find(strip_suffix_ci(rest, "IfExists")?)?;
        if base == Null {
            return None; // `NullIfExists` does not exist
        }
        Some(Operator {
            qualifier,
            base,
            if_exists: true,
        })
    }

    /// The documented spelling (built only for a qualified or `IfExists` operator).
    pub fn name(&self) -> Cow<'static, str> {
        let q = match self.qualifier {
            Some(Qualifier::ForAnyValue) => "ForAnyValue:",
            Some(Qualifier::ForAllValues) => "ForAllValues:",
            None if !self.if_exists => return Cow::Borrowed(self.base.name()),
            None => "",
        };
        Cow::Owned(format!(
            "{q}{}{}",
            self.base.name(),
            if self.if_exists { "IfExists" } else { "" }
        ))
    }

    /// A near spelling for an unknown operator (`StringEqual` -> `StringEquals`).
    pub fn suggestion(written: &str) -> Option<String> {
        let lower = written.to_ascii_lowercase();
        let mut candidates: Vec<String> = Vec::new();
        for b in ALL {
            candidates.push(b.name().to_string());
            candidates.push(format!("{}IfExists", b.name()));
            candidates.push(format!("ForAnyValue:{}", b.name()));
            candidates.push(format!("ForAllValues:{}", b.name()));
        }
        candidates
            .into_iter()
            .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
            .filter(|(d, _)| *d <= 3)
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| c)
    }
}

/// Levenshtein distance, O(n*m) on short operator names (inputs longer than 64 chars give `usize::MAX`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qualifiers_and_if_exists() {
        let op = Operator::parse("ForAllValues:StringLikeIfExists").unwrap();
        assert_eq!(
            op,
            Operator {
                qualifier: Some(Qualifier::ForAllValues),
                base: StringLike,
                if_exists: true
            }
        );
        assert_eq!(op.name(), "ForAllValues:StringLikeIfExists");
        assert_eq!(
            Operator::parse("stringequals").unwrap().name(),
            "StringEquals"
        );
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("StringEqual").is_none());
        assert!(Operator::parse("ForAnyValue:").is_none());
        assert!(Operator::parse("").is_none());
        assert!(Operator::parse("é").is_none());
    }

    #[test]
    fn suggests_near_names() {
        assert_eq!(
            Operator::suggestion("StringEqual").as_deref(),
            Some("StringEquals")
        );
        assert_eq!(
            Operator::suggestion("StringLikeIfExist").as_deref(),
            Some("StringLikeIfExists")
        );
        assert_eq!(Operator::suggestion("Whatever"), None);
    }

    #[test]
    fn negation_pairs() {
        for b in ALL {
            assert_eq!(b.negated(), b.positive() != b, "{b:?}");
        }
    }
}
