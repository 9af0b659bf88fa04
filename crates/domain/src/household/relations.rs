//! 户主变更: 与户主关系 towards a new 户主.

use crate::codes::well_known;
use crate::id_number::Sex;

/// 与户主关系 of the old 户主 towards a new one, from the new 户主's relation
/// to the old (`old_head_sex` is the old 户主's sex): a 配偶 stays 配偶, the
/// old 户主 is 父母 of a 子女, 子/女 of a 父母, and so on; `99 其他` when
/// the list has no code for it.
pub fn old_head_relation(new_head_relation: &str, old_head_sex: Sex) -> &'static str {
    use well_known::*;
    match new_head_relation {
        RELATION_SPOUSE => RELATION_SPOUSE,
        RELATION_SON | RELATION_DAUGHTER => RELATION_PARENT,
        RELATION_GRANDCHILD => RELATION_GRANDPARENT,
        RELATION_PARENT => child_code(old_head_sex),
        RELATION_GRANDPARENT => RELATION_GRANDCHILD,
        RELATION_SIBLING => RELATION_SIBLING,
        _ => RELATION_OTHER,
    }
}

/// 与户主关系 of a member towards a new 户主, from the member's relation
/// (and sex) and the new 户主's relation (and sex) towards the old 户主.
///
/// The two-digit codes name a kinship group that includes in-laws (子/婿,
/// 女/媳, and 父母 includes 公婆/岳父母), so some answers are certain (the
/// old 户主's 配偶 is the 父母 of their 子女) and some are not: a 女/媳 of
/// the old 户主 may be a son's sister or his wife. Those come out as
/// `99 其他`, for the user to set. The old 户主 is [`old_head_relation`].
pub fn relation_to_new_head(
    relation: &str,
    sex: Sex,
    new_head_relation: &str,
    new_head_sex: Sex,
) -> &'static str {
    use well_known::*;
    if relation == RELATION_HEAD {
        return RELATION_OTHER;
    }
    let couple = |same: &'static str| {
        if sex == new_head_sex {
            same
        } else {
            RELATION_OTHER
        }
    };
    match (new_head_relation, relation) {
        // The old 户主's 配偶 takes over: everyone keeps their relation.
        (RELATION_SPOUSE, RELATION_SPOUSE) => RELATION_OTHER,
        (RELATION_SPOUSE, r) => crate::codes::find_list(crate::codes::keys::RELATION)
            .and_then(|l| l.items.iter().find(|i| i.code == r))
            .map_or(RELATION_OTHER, |i| i.code),
        // A 子女 (or child-in-law) takes over.
        (RELATION_SON | RELATION_DAUGHTER, RELATION_SPOUSE) => RELATION_PARENT,
        (RELATION_SON | RELATION_DAUGHTER, RELATION_SON | RELATION_DAUGHTER) => {
            couple(RELATION_SIBLING)
        }
        (RELATION_SON | RELATION_DAUGHTER, RELATION_PARENT) => RELATION_GRANDPARENT,
        // A 孙子女 takes over.
        (RELATION_GRANDCHILD, RELATION_SPOUSE) => RELATION_GRANDPARENT,
        // A 父母 takes over.
        (RELATION_PARENT, RELATION_SPOUSE | RELATION_SIBLING) => child_code(sex),
        (RELATION_PARENT, RELATION_SON | RELATION_DAUGHTER) => RELATION_GRANDCHILD,
        (RELATION_PARENT, RELATION_PARENT) if sex != new_head_sex => RELATION_SPOUSE,
        (RELATION_PARENT, RELATION_GRANDPARENT) => RELATION_PARENT,
        // A 祖父母 takes over.
        (RELATION_GRANDPARENT, RELATION_SPOUSE | RELATION_SIBLING) => RELATION_GRANDCHILD,
        (RELATION_GRANDPARENT, RELATION_PARENT) => child_code(sex),
        (RELATION_GRANDPARENT, RELATION_GRANDPARENT) if sex != new_head_sex => RELATION_SPOUSE,
        // A 兄弟姐妹 takes over (兄弟姐妹 includes 嫂、弟媳、姐夫、妹夫).
        (RELATION_SIBLING, RELATION_SPOUSE) => RELATION_SIBLING,
        (RELATION_SIBLING, RELATION_PARENT) => RELATION_PARENT,
        (RELATION_SIBLING, RELATION_GRANDPARENT) => RELATION_GRANDPARENT,
        (RELATION_SIBLING, RELATION_SIBLING) => couple(RELATION_SIBLING),
        _ => RELATION_OTHER,
    }
}

fn child_code(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => well_known::RELATION_SON,
        Sex::Female => well_known::RELATION_DAUGHTER,
    }
}

#[cfg(test)]
mod relation_tests {
    use super::*;
    use well_known::*;

    const M: Sex = Sex::Male;
    const F: Sex = Sex::Female;

    #[test]
    fn a_son_takes_over_from_his_father() {
        // Father (old head) dies or steps down; the son (20) becomes head.
        assert_eq!(old_head_relation(RELATION_SON, M), RELATION_PARENT);
        let to_son = |r, s| relation_to_new_head(r, s, RELATION_SON, M);
        assert_eq!(to_son(RELATION_SPOUSE, F), RELATION_PARENT, "mother");
        assert_eq!(to_son(RELATION_SON, M), RELATION_SIBLING, "brother");
        assert_eq!(
            to_son(RELATION_DAUGHTER, F),
            RELATION_OTHER,
            "sister or wife"
        );
        assert_eq!(to_son(RELATION_PARENT, F), RELATION_GRANDPARENT);
        assert_eq!(to_son(RELATION_GRANDCHILD, M), RELATION_OTHER);
    }

    #[test]
    fn a_spouse_keeps_everyone_in_place() {
        assert_eq!(old_head_relation(RELATION_SPOUSE, M), RELATION_SPOUSE);
        for r in [
            RELATION_SON,
            RELATION_DAUGHTER,
            RELATION_GRANDCHILD,
            RELATION_PARENT,
            RELATION_SIBLING,
        ] {
            assert_eq!(relation_to_new_head(r, M, RELATION_SPOUSE, F), r);
        }
        assert_eq!(
            relation_to_new_head("x", M, RELATION_SPOUSE, F),
            RELATION_OTHER
        );
    }

    #[test]
    fn a_parent_takes_over() {
        assert_eq!(old_head_relation(RELATION_PARENT, F), RELATION_DAUGHTER);
        let to_mother = |r, s| relation_to_new_head(r, s, RELATION_PARENT, F);
        assert_eq!(to_mother(RELATION_SPOUSE, M), RELATION_SON, "son-in-law");
        assert_eq!(to_mother(RELATION_SON, M), RELATION_GRANDCHILD);
        assert_eq!(to_mother(RELATION_PARENT, M), RELATION_SPOUSE, "father");
        assert_eq!(to_mother(RELATION_PARENT, F), RELATION_OTHER);
        assert_eq!(to_mother(RELATION_SIBLING, F), RELATION_DAUGHTER);
        assert_eq!(to_mother(RELATION_GRANDPARENT, M), RELATION_PARENT);
    }

    #[test]
    fn the_old_head_and_unknowns() {
        assert_eq!(
            old_head_relation(RELATION_GRANDCHILD, M),
            RELATION_GRANDPARENT
        );
        assert_eq!(
            old_head_relation(RELATION_GRANDPARENT, M),
            RELATION_GRANDCHILD
        );
        assert_eq!(old_head_relation(RELATION_SIBLING, M), RELATION_SIBLING);
        assert_eq!(old_head_relation(RELATION_OTHER, M), RELATION_OTHER);
        assert_eq!(
            relation_to_new_head(RELATION_HEAD, M, RELATION_SON, M),
            RELATION_OTHER
        );
        assert_eq!(
            relation_to_new_head(RELATION_SON, M, RELATION_OTHER, M),
            RELATION_OTHER
        );
    }
}
