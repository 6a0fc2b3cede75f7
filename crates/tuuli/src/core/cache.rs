//! A short-lived in-memory copy of reference data that nearly every page shows and that
//! changes only when data is loaded (`tuuli demo`, future imports): the themes, the
//! municipalities and the home region's areas. Each copy lives [`TTL`], so a change made
//! by another process shows within a minute; per application state, so tests on
//! different databases never mix.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::core::areas::{self, Area};
use crate::core::themes::{self, Theme};
use crate::db::Db;
use crate::error::AppResult;

pub const TTL: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct ReferenceCache {
    themes: RwLock<Option<(Instant, Vec<Theme>)>>,
    municipalities: RwLock<Option<(Instant, Vec<Area>)>>,
    home: RwLock<Option<(Instant, Vec<i64>)>>,
}

fn fresh<T: Clone>(slot: &RwLock<Option<(Instant, Vec<T>)>>) -> Option<Vec<T>> {
    let guard = slot.read().ok()?;
    guard
        .as_ref()
        .filter(|(at, _)| at.elapsed() < TTL)
        .map(|(_, v)| v.clone())
}

fn store<T>(slot: &RwLock<Option<(Instant, Vec<T>)>>, v: Vec<T>) {
    if let Ok(mut guard) = slot.write() {
        *guard = Some((Instant::now(), v));
    }
}

impl ReferenceCache {
    pub async fn themes(&self, db: &Db) -> AppResult<Vec<Theme>> {
        if let Some(v) = fresh(&self.themes) {
            return Ok(v);
        }
        let v = themes::list(db).await?;
        store(&self.themes, v.clone());
        Ok(v)
    }

    pub async fn municipalities(&self, db: &Db) -> AppResult<Vec<Area>> {
        if let Some(v) = fresh(&self.municipalities) {
            return Ok(v);
        }
        let v = areas::municipalities(db).await?;
        store(&self.municipalities, v.clone());
        Ok(v)
    }

    /// The ids of the home region's areas this year ([`areas::home_ids`]).
    pub async fn home_ids(&self, db: &Db) -> AppResult<Vec<i64>> {
        if let Some(v) = fresh(&self.home) {
            return Ok(v);
        }
        let year = chrono::Datelike::year(&chrono::Utc::now());
        let v = areas::home_ids(db, year).await?;
        store(&self.home, v.clone());
        Ok(v)
    }

    /// Forgets the copies (after loading data in this process).
    pub fn clear(&self) {
        if let Ok(mut g) = self.themes.write() {
            *g = None;
        }
        if let Ok(mut g) = self.municipalities.write() {
            *g = None;
        }
        if let Ok(mut g) = self.home.write() {
            *g = None;
        }
    }
}
