//! A short-lived in-memory copy of reference data that nearly every page shows and that
//! changes only when data is loaded (`tuuli demo`, future imports): the themes, the
//! municipalities and the home region's areas. Each copy lives [`TTL`], so a change made
//! by another process shows within a minute; per application state, so tests on
//! different databases never mix.

use std::sync::{Arc, RwLock};
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
    /// The municipality select's options rendered once per language (Finnish, Swedish,
    /// English), with the times of the municipality and home-region copies they were
    /// built from: see [`ReferenceCache::area_options`].
    area_options: RwLock<[Option<AreaOptions>; 3]>,
}

/// Rendered options and the `(municipalities, home)` copy times they were built from.
type AreaOptions = ((Instant, Instant), Arc<str>);

fn fresh<T: Clone>(slot: &RwLock<Option<(Instant, Vec<T>)>>) -> Option<Vec<T>> {
    let guard = slot.read().ok()?;
    guard
        .as_ref()
        .filter(|(at, _)| at.elapsed() < TTL)
        .map(|(_, v)| v.clone())
}

/// When the copy in `slot` was taken, while it is fresh.
fn taken_at<T>(slot: &RwLock<Option<(Instant, Vec<T>)>>) -> Option<Instant> {
    let guard = slot.read().ok()?;
    guard
        .as_ref()
        .map(|(at, _)| *at)
        .filter(|at| at.elapsed() < TTL)
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

    /// The times of the current municipality and home-region copies, while both are fresh:
    /// what [`Self::put_area_options`] records and [`Self::area_options`] checks.
    pub fn area_stamp(&self) -> Option<(Instant, Instant)> {
        Some((taken_at(&self.municipalities)?, taken_at(&self.home)?))
    }

    /// The municipality options rendered for language slot `lang` (0 fi, 1 sv, 2 en), when
    /// they were built from the municipality and home-region copies that are current now:
    /// they change exactly when those copies are reloaded or cleared, never by their own
    /// clock.
    pub fn area_options(&self, lang: usize) -> Option<Arc<str>> {
        let stamp = self.area_stamp()?;
        let guard = self.area_options.read().ok()?;
        guard
            .get(lang)?
            .as_ref()
            .filter(|(at, _)| *at == stamp)
            .map(|(_, html)| html.clone())
    }

    /// Keeps the options rendered for `lang` from the copies of `stamp` ([`Self::area_stamp`]).
    pub fn put_area_options(&self, lang: usize, stamp: (Instant, Instant), html: Arc<str>) {
        if let Ok(mut guard) = self.area_options.write()
            && let Some(slot) = guard.get_mut(lang)
        {
            *slot = Some((stamp, html));
        }
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
        if let Ok(mut g) = self.area_options.write() {
            *g = Default::default();
        }
    }
}
