//! Column types, schemas, and inference of a schema from a sample of rows.

use std::fmt;

/// A column's type. Every column is nullable: an empty field, and any
/// other missing-value text ([`crate::CsvOptions::na_values`]), is null.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DType {
    /// 64-bit signed integers.
    Int64,
    /// 64-bit floats.
    Float64,
    /// Booleans: `true`/`false`, `True`/`False`, `TRUE`/`FALSE`.
    Bool,
    /// UTF-8 strings, dictionary-encoded.
    Str,
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Int64 => "int64",
            Self::Float64 => "float64",
            Self::Bool => "bool",
            Self::Str => "string",
        })
    }
}

impl std::str::FromStr for DType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "int64" | "int" | "i64" => Ok(Self::Int64),
            "float64" | "float" | "f64" => Ok(Self::Float64),
            "bool" => Ok(Self::Bool),
            "str" | "string" | "object" => Ok(Self::Str),
            _ => Err(format!("unknown dtype {s:?}: expected int64, float64, bool or string")),
        }
    }
}

/// A named, typed column of a schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The column's name, from the header.
    pub name: String,
    /// Its type.
    pub dtype: DType,
}

/// The columns of a frame, in order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Schema {
    /// The fields.
    pub fields: Vec<Field>,
}

impl Schema {
    /// Position of the column called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The column names.
    pub fn names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.clone()).collect()
    }
}

/// What a sample of a column's values allows, narrowest first.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Inference {
    int: bool,
    float: bool,
    boolean: bool,
    seen: bool,
}

impl Default for Inference {
    fn default() -> Self {
        Self { int: true, float: true, boolean: true, seen: false }
    }
}

impl Inference {
    /// Narrows by one non-empty field.
    pub(crate) fn observe(&mut self, field: &[u8]) {
        self.seen = true;
        if self.int && crate::parse::int(field).is_none() {
            self.int = false;
            // An integer past int64 would lose digits as a float: text, as
            // pandas reads a column that starts with one.
            if crate::parse::is_integer_text(field) {
                self.float = false;
            }
        }
        if self.float && !self.int && crate::parse::float(field).is_none() {
            self.float = false;
        }
        if self.boolean && crate::parse::boolean(field).is_none() {
            self.boolean = false;
        }
    }

    /// The type: int64 if every value is an integer, float64 if a number,
    /// bool if a boolean, string otherwise; float64 for a column of nulls,
    /// as pandas does.
    pub(crate) fn dtype(&self) -> DType {
        if !self.seen {
            DType::Float64
        } else if self.int {
            DType::Int64
        } else if self.float {
            DType::Float64
        } else if self.boolean {
            DType::Bool
        } else {
            DType::Str
        }
    }
}
