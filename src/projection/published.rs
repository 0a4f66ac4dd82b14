//! The projection as the coverage stood on a date: only the claims whose source was published by
//! then (`--published-by`). A claim whose source gives no publication date, or is not in the
//! ledger, is left out: nothing says it was out by then.

use super::tables::{Table, Tables, CLAIMS, SOURCE_CLAIMS, SUBJECTS};
use super::{claim_state, source};
use crate::error::Result;
use crate::store::Visit;
use chrono::NaiveDate;
use std::cell::RefCell;
use std::collections::HashMap;

/// A view that shows only the claims of sources published on or before a date.
pub struct PublishedBy<'a> {
    inner: &'a dyn Tables,
    by: NaiveDate,
    /// Whether each source looked up was published by then.
    published: RefCell<HashMap<String, bool>>,
}

impl<'a> PublishedBy<'a> {
    /// Claims of `inner` whose source was published on or before `by`.
    pub fn new(inner: &'a dyn Tables, by: NaiveDate) -> Self {
        PublishedBy {
            inner,
            by,
            published: RefCell::new(HashMap::new()),
        }
    }

    fn source_in(&self, id: &str) -> Result<bool> {
        if let Some(&p) = self.published.borrow().get(id) {
            return Ok(p);
        }
        let p = source(self.inner, id)?.is_some_and(|s| {
            s.source
                .published
                .as_ref()
                .and_then(|d| d.naive())
                .is_some_and(|d| d <= self.by)
        });
        self.published.borrow_mut().insert(id.to_string(), p);
        Ok(p)
    }

    /// Whether a claim state entry of [`SUBJECTS`] is shown.
    fn claim_in(&self, key: &[u8], value: &[u8]) -> Result<bool> {
        let c = claim_state(key, value)?;
        self.source_in(&c.claim.source)
    }
}

impl Tables for PublishedBy<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let v = self.inner.get(table, key)?;
        let Some(bytes) = &v else {
            return Ok(None);
        };
        let shown = match table {
            SUBJECTS => self.claim_in(key, bytes)?,
            CLAIMS => {
                let mut at = bytes.clone();
                at.push(0);
                at.extend_from_slice(key);
                match self.inner.get(SUBJECTS, &at)? {
                    Some(state) => self.claim_in(&at, &state)?,
                    None => true,
                }
            }
            SOURCE_CLAIMS => {
                let id = key.split(|&b| b == 0).next().unwrap_or(key);
                self.source_in(&String::from_utf8_lossy(id))?
            }
            _ => true,
        };
        Ok(if shown { v } else { None })
    }

    fn scan(&self, table: Table, prefix: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        if table != SUBJECTS && table != SOURCE_CLAIMS {
            return self.inner.scan(table, prefix, visit);
        }
        let mut err = None;
        self.inner.scan(table, prefix, &mut |k, v| {
            let shown = if table == SUBJECTS {
                self.claim_in(k, v)
            } else {
                let id = k.split(|&b| b == 0).next().unwrap_or(k);
                self.source_in(&String::from_utf8_lossy(id))
            };
            match shown {
                Ok(true) => visit(k, v),
                Ok(false) => true,
                Err(e) => {
                    err = Some(e);
                    false
                }
            }
        })?;
        match err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
