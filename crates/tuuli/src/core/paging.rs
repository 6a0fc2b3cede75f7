//! Paging shared by every list: the parameters (`?page=&per_page=`), the LIMIT/OFFSET they
//! make, and the page of items with its total that pages and JSON answers both use.

/// `?page=` and `?per_page=` of a JSON list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

/// Where a keyset page starts: just after, or just before, a row (by id) in the list's
/// order. A deep page then costs an index seek instead of skipping `OFFSET` entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Cursor {
    After(i64),
    Before(i64),
}

/// Paging shared by every list: offset paging (`page`), optionally from a keyset cursor
/// (the page number is then only shown), and optionally a capped count.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
    /// Start after/before this row instead of skipping `offset()` rows (lists that
    /// support it: organisations, people).
    pub cursor: Option<Cursor>,
    /// Count at most this many rows (the total is then "more than cap"); `None`: exact.
    pub count_cap: Option<i64>,
}

impl Paging {
    pub const MAX_PER_PAGE: i64 = 200;
    /// The count cap of the HTML lists: counting stops here, the page says "more than".
    pub const COUNT_CAP: i64 = 1000;

    pub fn new(page: Option<i64>, per_page: Option<i64>, default: i64) -> Self {
        let per_page = per_page.unwrap_or(default).clamp(1, Self::MAX_PER_PAGE);
        let page = page.unwrap_or(1).max(1);
        Paging {
            page,
            per_page,
            cursor: None,
            count_cap: None,
        }
    }
    /// The same paging from a keyset cursor (`?after=id` wins over `?before=id`); ids
    /// below 1 are ignored.
    pub fn with_cursor(mut self, after: Option<i64>, before: Option<i64>) -> Self {
        self.cursor = match (after.filter(|i| *i > 0), before.filter(|i| *i > 0)) {
            (Some(a), _) => Some(Cursor::After(a)),
            (None, Some(b)) => Some(Cursor::Before(b)),
            _ => None,
        };
        self
    }
    /// The same paging with the count capped at [`Self::COUNT_CAP`].
    pub fn capped(mut self) -> Self {
        self.count_cap = Some(Self::COUNT_CAP);
        self
    }
    /// [`Self::capped`] when `q` is a search (text other than blanks): the JSON lists
    /// count a search's matches only up to the cap, as the pages do, since counting
    /// thousands of matches exactly cost more than finding the page (`Page::total_capped`
    /// says so); unsearched lists keep their exact total.
    pub fn capped_for_search(self, q: Option<&str>) -> Self {
        if q.is_some_and(|q| !q.trim().is_empty()) {
            self.capped()
        } else {
            self
        }
    }
    /// Whether this is a page by number (no cursor) whose first row lies past the count
    /// cap: if it has rows at all, the list is longer than the cap.
    pub fn past_count_cap(&self) -> bool {
        self.cursor.is_none() && self.count_cap.is_some_and(|cap| self.offset() >= cap)
    }
    pub fn limit(&self) -> i64 {
        self.per_page
    }
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
    /// ` LIMIT n OFFSET m` with the numbers written in: they are integers we computed, and
    /// a bound LIMIT makes SQLite prepare the statement again on every execution.
    pub fn sql(&self) -> String {
        format!(" LIMIT {} OFFSET {}", self.limit(), self.offset())
    }
    /// Like [`Self::sql`] with one row more, to know whether a next page exists; from a
    /// cursor, no OFFSET (the cursor's condition is in the WHERE).
    pub fn probe_sql(&self) -> String {
        match self.cursor {
            Some(_) => format!(" LIMIT {}", self.limit() + 1),
            None => format!(" LIMIT {} OFFSET {}", self.limit() + 1, self.offset()),
        }
    }
}

/// Where a page sits in its list, for pager links: whether there are rows before and
/// after it, the ids its keyset links start from, and whether the total was capped.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Window {
    pub has_prev: bool,
    pub has_next: bool,
    /// The first and last rows' ids (`?before=` and `?after=` of the pager's links).
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// The total is the count cap: there are more rows than that.
    pub capped: bool,
}

impl Window {
    /// Trims a page fetched with one row more than `per_page` (see `Paging::probe_sql`)
    /// and says what lies around it; `id` reads a row's id.
    pub fn trim<T>(items: &mut Vec<T>, paging: &Paging, id: impl Fn(&T) -> i64) -> Window {
        let extra = items.len() as i64 > paging.per_page;
        let (has_prev, has_next) = match paging.cursor {
            Some(Cursor::Before(_)) => {
                // Fetched backwards: the extra row is the first one.
                if extra {
                    items.remove(0);
                }
                (extra, true)
            }
            Some(Cursor::After(_)) => {
                items.truncate(paging.per_page as usize);
                (true, extra)
            }
            None => {
                items.truncate(paging.per_page as usize);
                (paging.page > 1, extra)
            }
        };
        Window {
            has_prev,
            has_next,
            first: items.first().map(&id),
            last: items.last().map(&id),
            capped: false,
        }
    }
}

/// One page of a list with the total count, for both HTML and JSON.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Whether counting stopped at `total`: more items than that match. Searches (`q`) of
    /// organisations and people count at most 1,000 matches; read on until a page has
    /// fewer than `per_page` items.
    pub total_capped: bool,
    /// For pager links (HTML only; not part of the JSON answer).
    #[serde(skip)]
    #[schema(ignore)]
    pub window: Window,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, paging: Paging) -> Self {
        Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
            window: Window::default(),
        }
    }
    /// The page with its window; a total above `cap` becomes `cap`, flagged as capped.
    pub fn windowed(mut self, mut window: Window, cap: Option<i64>) -> Self {
        if let Some(cap) = cap.filter(|cap| self.total > *cap) {
            self.total = cap;
            self.total_capped = true;
            window.capped = true;
        }
        self.window = window;
        self
    }
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_clamped() {
        let p = Paging::new(Some(0), Some(10_000), 25);
        assert_eq!((p.page, p.per_page, p.offset()), (1, 200, 0));
        assert_eq!(Paging::new(Some(3), None, 25).offset(), 50);
    }
}
