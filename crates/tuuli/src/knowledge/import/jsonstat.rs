//! Statistics Finland's PxWeb answers in JSON-stat 2.0 (`"format":"json-stat2"`), and the
//! older JSON-stat 1.x (`{"dataset": {…}}`, `id` and `size` inside `dimension`).
//!
//! Generic over the dimensions: a [`Dataset`] yields rows of (one category per
//! dimension, value, status). Which dimension is the area, the year or the indicator, and
//! which catalogue entry a table maps to, is the caller's step ([`Dataset::dimension_index`],
//! [`Dataset::roles`]).

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::{Map, Value};

use super::{ImportError, Location, Rejected, json};

/// The largest cube accepted (cells): a sparse `value` object cannot ask for more memory.
pub const MAX_CELLS: usize = 5_000_000;

/// One category of a dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Its code (`KU398`, `2023`…).
    pub code: String,
    /// Its label, if given.
    pub label: Option<String>,
}

/// One dimension, its categories in index order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    /// Its id (`Alue`, `Vuosi`…).
    pub id: String,
    /// Its label, if given.
    pub label: Option<String>,
    /// The categories, in the order of `category.index`.
    pub categories: Vec<Category>,
}

/// A parsed dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The dataset's label, if given.
    pub label: Option<String>,
    /// The dimensions in `id` order.
    pub dimensions: Vec<Dimension>,
    /// `role` (`geo`, `time`, `metric` → dimension ids), if given.
    pub roles: BTreeMap<String, Vec<String>>,
    values: Vec<Option<f64>>,
    status_all: Option<String>,
    status: BTreeMap<usize, String>,
}

/// One cell of the cube.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    /// One category per dimension, in the dataset's dimension order.
    pub categories: Vec<&'a Category>,
    /// The value; `None` for `null` or a cell missing from a sparse `value`.
    pub value: Option<f64>,
    /// The cell's status symbol, if any.
    pub status: Option<&'a str>,
}

impl Dataset {
    /// The position of the dimension `id`, for mapping rows.
    pub fn dimension_index(&self, id: &str) -> Option<usize> {
        self.dimensions.iter().position(|d| d.id == id)
    }

    /// Every cell in row-major order (the last dimension fastest).
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> + '_ {
        let sizes: Vec<usize> = self.dimensions.iter().map(|d| d.categories.len()).collect();
        self.values.iter().enumerate().map(move |(pos, value)| {
            let mut rest = pos;
            let mut idx = vec![0; sizes.len()];
            for (d, size) in sizes.iter().enumerate().rev() {
                idx[d] = rest % size;
                rest /= size;
            }
            Row {
                categories: idx
                    .iter()
                    .zip(&self.dimensions)
                    .map(|(i, d)| &d.categories[*i])
                    .collect(),
                value: *value,
                status: self
                    .status
                    .get(&pos)
                    .or(self.status_all.as_ref())
                    .map(String::as_str),
            }
        })
    }
}

/// Reads a JSON-stat 2.0 dataset (or a 1.x answer holding one dataset).
pub fn read(reader: impl Read) -> Result<Dataset, Rejected> {
    let doc = json::read(reader)?;
    let top = json::object(&doc, "$")?;
    let (ds, path, v1) = match top.get("dataset") {
        Some(d) if !top.contains_key("version") => {
            (json::object(d, "$.dataset")?, "$.dataset", true)
        }
        _ => (top, "$", false),
    };
    let class = ds.get("class").and_then(Value::as_str);
    if let Some(class) = class.filter(|c| !v1 && *c != "dataset") {
        return Err(ImportError::new(
            Location::Path(format!("{path}.class")),
            "import-error-jsonstat-class",
            &[("class", class)],
        )
        .into());
    }
    Ok(dataset(ds, path, v1)?)
}

fn dataset(ds: &Map<String, Value>, path: &str, v1: bool) -> Result<Dataset, ImportError> {
    let dims = json::object(
        json::member(ds, path, "dimension")?,
        &format!("{path}.dimension"),
    )?;
    let (holder, hpath) = if v1 {
        (dims, format!("{path}.dimension"))
    } else {
        (ds, path.to_owned())
    };
    let ids: Vec<String> =
        json::array(json::member(holder, &hpath, "id")?, &format!("{hpath}.id"))?
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| json::type_error(&format!("{hpath}.id[{i}]"), "string"))
            })
            .collect::<Result<_, _>>()?;
    let sizes: Vec<usize> = json::array(
        json::member(holder, &hpath, "size")?,
        &format!("{hpath}.size"),
    )?
    .iter()
    .enumerate()
    .map(|(i, v)| {
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| json::type_error(&format!("{hpath}.size[{i}]"), "number"))
    })
    .collect::<Result<_, _>>()?;
    if ids.len() != sizes.len() {
        return Err(mismatch(&format!("{hpath}.size"), ids.len(), sizes.len()));
    }
    let mut cells: usize = 1;
    for s in &sizes {
        cells = cells
            .checked_mul(*s)
            .filter(|c| *c <= MAX_CELLS)
            .ok_or_else(|| {
                ImportError::new(
                    Location::Path(format!("{hpath}.size")),
                    "import-error-jsonstat-too-large",
                    &[("max", &MAX_CELLS.to_string())],
                )
            })?;
    }
    let dimensions = ids
        .iter()
        .zip(&sizes)
        .map(|(id, size)| dimension(dims, &format!("{path}.dimension"), id, *size))
        .collect::<Result<Vec<_>, _>>()?;
    let roles = match ds.get("role").or_else(|| dims.get("role")) {
        Some(Value::Object(r)) => r
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|s| s.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                )
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    let values = values(
        json::member(ds, path, "value")?,
        &format!("{path}.value"),
        cells,
    )?;
    let (status_all, status) = status(ds.get("status"), &format!("{path}.status"), cells)?;
    Ok(Dataset {
        label: ds.get("label").and_then(Value::as_str).map(str::to_owned),
        dimensions,
        roles,
        values,
        status_all,
        status,
    })
}

fn position(path: &str) -> ImportError {
    ImportError::new(
        Location::Path(path.to_owned()),
        "import-error-jsonstat-position",
        &[],
    )
}

fn mismatch(path: &str, expected: usize, found: usize) -> ImportError {
    ImportError::new(
        Location::Path(path.to_owned()),
        "import-error-jsonstat-size",
        &[
            ("expected", &expected.to_string()),
            ("found", &found.to_string()),
        ],
    )
}

fn dimension(
    dims: &Map<String, Value>,
    dims_path: &str,
    id: &str,
    size: usize,
) -> Result<Dimension, ImportError> {
    let path = format!("{dims_path}.{id}");
    let d = json::object(json::member(dims, dims_path, id)?, &path)?;
    let cpath = format!("{path}.category");
    let cat = json::object(json::member(d, &path, "category")?, &cpath)?;
    let labels = cat.get("label").and_then(Value::as_object);
    let ipath = format!("{cpath}.index");
    let mut codes: Vec<Option<String>> = vec![None; size];
    match cat.get("index") {
        Some(Value::Array(a)) => {
            if a.len() != size {
                return Err(mismatch(&ipath, size, a.len()));
            }
            for (i, c) in a.iter().enumerate() {
                codes[i] = Some(
                    c.as_str()
                        .ok_or_else(|| json::type_error(&format!("{ipath}[{i}]"), "string"))?
                        .to_owned(),
                );
            }
        }
        Some(Value::Object(o)) => {
            if o.len() != size {
                return Err(mismatch(&ipath, size, o.len()));
            }
            for (code, pos) in o {
                let slot = pos
                    .as_u64()
                    .and_then(|p| usize::try_from(p).ok())
                    .and_then(|p| codes.get_mut(p));
                match slot {
                    Some(slot @ None) => *slot = Some(code.clone()),
                    _ => return Err(position(&format!("{ipath}.{code}"))),
                }
            }
        }
        None => match labels {
            Some(l) if l.len() == 1 && size == 1 => codes[0] = l.keys().next().cloned(),
            _ => return Err(json::missing(&ipath)),
        },
        Some(_) => return Err(json::type_error(&ipath, "object")),
    }
    let categories = codes
        .into_iter()
        .map(|code| {
            let code = code.unwrap_or_default();
            let label = labels
                .and_then(|l| l.get(&code))
                .and_then(Value::as_str)
                .map(str::to_owned);
            Category { code, label }
        })
        .collect();
    Ok(Dimension {
        id: id.to_owned(),
        label: d.get("label").and_then(Value::as_str).map(str::to_owned),
        categories,
    })
}

fn values(v: &Value, path: &str, cells: usize) -> Result<Vec<Option<f64>>, ImportError> {
    match v {
        Value::Array(a) => {
            if a.len() != cells {
                return Err(mismatch(path, cells, a.len()));
            }
            a.iter()
                .enumerate()
                .map(|(i, x)| json::number(Some(x), &format!("{path}[{i}]")))
                .collect()
        }
        Value::Object(o) => {
            let mut out = vec![None; cells];
            for (k, x) in o {
                let p = format!("{path}.{k}");
                let slot = k
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| out.get_mut(i))
                    .ok_or_else(|| position(&p))?;
                *slot = json::number(Some(x), &p)?;
            }
            Ok(out)
        }
        _ => Err(json::type_error(path, "array")),
    }
}

type Status = (Option<String>, BTreeMap<usize, String>);

fn status(v: Option<&Value>, path: &str, cells: usize) -> Result<Status, ImportError> {
    let text = |x: &Value, p: &str| json::text(Some(x), p);
    match v {
        None | Some(Value::Null) => Ok((None, BTreeMap::new())),
        Some(Value::String(s)) => Ok((Some(s.clone()), BTreeMap::new())),
        Some(Value::Array(a)) => {
            // A one-element array applies to every cell, as a string does.
            if a.len() == 1 && cells != 1 {
                return Ok((text(&a[0], &format!("{path}[0]"))?, BTreeMap::new()));
            }
            if a.len() != cells {
                return Err(mismatch(path, cells, a.len()));
            }
            let mut m = BTreeMap::new();
            for (i, x) in a.iter().enumerate() {
                if let Some(s) = text(x, &format!("{path}[{i}]"))? {
                    m.insert(i, s);
                }
            }
            Ok((None, m))
        }
        Some(Value::Object(o)) => {
            let mut m = BTreeMap::new();
            for (k, x) in o {
                let p = format!("{path}.{k}");
                let i = k
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i < cells)
                    .ok_or_else(|| position(&p))?;
                if let Some(s) = text(x, &p)? {
                    m.insert(i, s);
                }
            }
            Ok((None, m))
        }
        Some(_) => Err(json::type_error(path, "array")),
    }
}

#[cfg(test)]
mod tests;
