//! The population-registry port's local adapter (`crate::ports::PopulationRegistry`).

use domain::IdNumber;

use crate::ports::{PopulationRegistry, RegistryPerson};

/// The local stand-in for the provincial population platform: a few demo residents of the
/// demo accounts' divisions (江津区), so a local run can show the window issuing a 婚育情况证明.
/// It confirms no material, so every material is still asked for, as with no registry.
#[derive(Debug, Clone)]
pub struct DemoPopulationRegistry {
    people: Vec<RegistryPerson>,
}

impl DemoPopulationRegistry {
    pub fn new() -> DemoPopulationRegistry {
        let parse = |s: &str| IdNumber::parse(s).ok();
        let date = |s: &str| domain::Date::parse(s).ok();
        let division = |s: &str| domain::DivisionCode::parse(s).ok();
        let mut people = Vec::new();
        let demo = "全员人口数据库（本地演示数据）";
        if let (Some(id), Some(spouse), Some(born), Some(hukou)) = (
            parse("500116199203040025"),
            parse("50011619900605003X"),
            date("2020-05-12"),
            division("500116001005"),
        ) {
            people.push(RegistryPerson {
                name: "陈晓梅".into(),
                id_number: id,
                marriage: domain::contract::Marriage::First,
                spouse: Some(("刘建国".into(), spouse)),
                children: vec![born],
                hukou,
                source: demo.into(),
            });
        }
        if let (Some(id), Some(hukou)) = (parse("500116198911200048"), division("500116001005")) {
            people.push(RegistryPerson {
                name: "周丽".into(),
                id_number: id,
                marriage: domain::contract::Marriage::Unmarried,
                spouse: None,
                children: Vec::new(),
                hukou,
                source: demo.into(),
            });
        }
        DemoPopulationRegistry { people }
    }
}

impl Default for DemoPopulationRegistry {
    fn default() -> Self {
        Self::new()
    }
}

impl PopulationRegistry for DemoPopulationRegistry {
    fn confirmed(&self, _id_number: &IdNumber) -> Vec<domain::materials::MaterialCode> {
        Vec::new()
    }

    fn person(&self, id_number: &IdNumber) -> Option<RegistryPerson> {
        self.people
            .iter()
            .find(|p| p.id_number.expose() == id_number.expose())
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_registry_knows_its_residents_and_no_one_else() {
        let registry = DemoPopulationRegistry::new();
        let known = IdNumber::parse("500116199203040025").unwrap();
        let unknown = IdNumber::parse("420704199001011231").unwrap();

        let person = registry.person(&known).unwrap();

        assert_eq!(registry.people.len(), 2, "every demo ID number parses");
        assert_eq!(person.name, "陈晓梅");
        assert_eq!(person.children.len(), 1);
        assert!(registry.person(&unknown).is_none());
    }
}
