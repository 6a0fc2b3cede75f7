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

/// Offset paging shared by every list.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub const MAX_PER_PAGE: i64 = 200;

    pub fn new(page: Option<i64>, per_page: Option<i64>, default: i64) -> Self {
        let per_page = per_page.unwrap_or(default).clamp(1, Self::MAX_PER_PAGE);
        let page = page.unwrap_or(1).max(1);
        Paging { page, per_page }
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
}

/// One page of a list with the total count, for both HTML and JSON.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, paging: Paging) -> Self {
        Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
        }
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
