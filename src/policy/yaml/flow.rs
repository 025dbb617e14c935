//! Flow collections: `[a, "b"]` and `{k: v}`, on one line or over several.

use serde_json::{Map, Value};

use super::scalar::{fold, plain, tagged, unquote};
use super::{quoted_end, MAX_DEPTH};

/// A flow collection (`[a, "b"]`, `{k: v}`), on one line or joined from several.
pub(super) struct Flow<'t> {
    pub(super) text: &'t str,
    pub(super) pos: usize,
    pub(super) depth: usize,
}

impl Flow<'_> {
    pub(super) fn skip_ws(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    pub(super) fn value(&mut self) -> Result<Value, String> {
        self.skip_ws();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        let value = match self.peek() {
            Some('[') => self.collection(']'),
            Some('{') => self.collection('}'),
            Some('"') | Some('\'') => {
                let rest = &self.text[self.pos..];
                let end = quoted_end(rest).ok_or("a quoted string is never closed")?;
                self.pos += end;
                unquote(&rest[..end]).map(Value::String)
            }
            Some('&') | Some('*') => Err("anchors and aliases are not supported".to_string()),
            // A tag on an item (`!Equals [!Ref Env, prod]`): CloudFormation's short form, as in block style.
            Some('!') => {
                let rest = &self.text[self.pos..];
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
                    .unwrap_or(rest.len());
                let tag = &rest[..end];
                self.pos += end;
                self.value().map(|v| tagged(tag, v))
            }
            _ => {
                let rest = &self.text[self.pos..];
                let end = rest.find([',', ']', '}']).unwrap_or(rest.len());
                // In a mapping, a plain key ends at `: `.
                let end = match rest[..end].find(": ") {
                    Some(colon) => colon,
                    None => end,
                };
                self.pos += end;
                Ok(plain(&fold(rest[..end].trim(), false)))
            }
        };
        self.depth -= 1;
        value
    }

    fn collection(&mut self, close: char) -> Result<Value, String> {
        self.pos += 1;
        let mut items = Vec::new();
        let mut map = Map::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(c) if c == close => {
                    self.pos += 1;
                    break;
                }
                None => return Err(format!("`{close}` is missing")),
                _ => {}
            }
            let item = self.value()?;
            self.skip_ws();
            if close == '}' {
                if self.peek() != Some(':') {
                    return Err("expected `:` after a key in `{...}`".to_string());
                }
                self.pos += 1;
                let value = self.value()?;
                let key = match item {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                map.insert(key, value);
            } else {
                items.push(item);
            }
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(c) if c == close => {}
                None => return Err(format!("`{close}` is missing")),
                _ => return Err(format!("expected `,` or `{close}`")),
            }
        }
        Ok(if close == '}' {
            Value::Object(map)
        } else {
            Value::Array(items)
        })
    }
}
