//! Cities where labour authorities accept applications, by their GB/T 2260 administrative code.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CityInfo {
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_zh: &'static str,
}

/// The cities this build knows. Regional rules attach to these codes.
pub const CITIES: &[CityInfo] = &[
    CityInfo {
        code: "110000",
        name_en: "Beijing",
        name_zh: "北京市",
    },
    CityInfo {
        code: "120000",
        name_en: "Tianjin",
        name_zh: "天津市",
    },
    CityInfo {
        code: "130100",
        name_en: "Shijiazhuang",
        name_zh: "石家庄市",
    },
    CityInfo {
        code: "310000",
        name_en: "Shanghai",
        name_zh: "上海市",
    },
    CityInfo {
        code: "320500",
        name_en: "Suzhou",
        name_zh: "苏州市",
    },
    CityInfo {
        code: "330100",
        name_en: "Hangzhou",
        name_zh: "杭州市",
    },
    CityInfo {
        code: "440100",
        name_en: "Guangzhou",
        name_zh: "广州市",
    },
    CityInfo {
        code: "440300",
        name_en: "Shenzhen",
        name_zh: "深圳市",
    },
    CityInfo {
        code: "510100",
        name_en: "Chengdu",
        name_zh: "成都市",
    },
    CityInfo {
        code: "610100",
        name_en: "Xi'an",
        name_zh: "西安市",
    },
];

/// A known city, by its six-digit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct City(&'static CityInfo);

impl City {
    pub fn parse(field: &str, s: &str) -> Result<City, FieldError> {
        let s = s.trim();
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(field, "city_code_format"));
        }
        CITIES
            .iter()
            .find(|c| c.code == s)
            .map(City)
            .ok_or_else(|| FieldError::new(field, "city_unknown").with("value", s))
    }

    pub fn code(&self) -> &'static str {
        self.0.code
    }

    pub fn info(&self) -> &'static CityInfo {
        self.0
    }

    pub fn all() -> impl Iterator<Item = City> {
        CITIES.iter().map(City)
    }
}

impl fmt::Display for City {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code)
    }
}

impl TryFrom<String> for City {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        City::parse("city", &s)
    }
}

impl From<City> for String {
    fn from(c: City) -> String {
        c.0.code.to_string()
    }
}
