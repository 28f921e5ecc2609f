//! Binding helpers shared by the backends' queries: the children's list
//! filters, a child's stored columns and a measurement's computed columns,
//! each bound in the order its SQL expects.

/// The field filters of the children's list, parameters `$5`–`$11`
/// (see `ChildFilters`); a NULL parameter narrows nothing.
macro_rules! field_filters {
    () => {
        "
          AND ($5 IS NULL OR sex = $5)
          AND ($6 IS NULL OR date_of_birth >= $6)
          AND ($7 IS NULL OR date_of_birth <= $7)
          AND ($8 IS NULL OR ethnicity = $8)
          AND ($9 IS NULL OR (';' || special_circumstances || ';') LIKE ('%;' || $9 || ';%'))
          AND ($10 IS NULL OR COALESCE(birth_registered, FALSE) = $10)
          AND ($11 IS NULL OR village = $11)
          AND ($12 IS NULL OR (';' || COALESCE((SELECT m.nutrition FROM measurements m WHERE m.child_id = children.id
                                                ORDER BY m.measured_on DESC, m.id DESC LIMIT 1), '?') || ';')
                              LIKE (CASE WHEN $12 = 'normal' THEN ';;' ELSE '%;' || $12 || ';%' END))"
    };
}

/// Binds a child's 20 stored columns, in the order `$1`…`$20` of the insert
/// and the update (`unit_id` is the record's unit version).
macro_rules! bind_child {
    ($q:expr, $c:expr, $unit:expr) => {
        $q.bind(&$c.child_id)
            .bind(&$c.national_id)
            .bind(&$c.full_name)
            .bind(treem_domain::text::fold(&$c.full_name))
            .bind(treem_domain::text::name_sort_key(&$c.full_name))
            .bind($c.sex.code())
            .bind($c.date_of_birth)
            .bind(&$c.ethnicity)
            .bind($unit)
            .bind(&$c.village)
            .bind($c.birth_registered)
            .bind($c.birth_registration_date)
            .bind(&$c.mother_name)
            .bind(&$c.father_name)
            .bind(&$c.caregiver_name)
            .bind(&$c.caregiver_phone)
            .bind($c.household_poverty.map(|p| p.code()))
            .bind($c.special_circumstances.join(";"))
            .bind($c.status.code())
            .bind($c.status_date)
    };
}

/// Binds a measurement's 15 computed columns (`ZRecord`), in the order
/// `age_days` … `method` of the insert and the recompute.
macro_rules! bind_z {
    ($q:expr, $z:expr) => {
        $q.bind($z.age_days)
            .bind($z.clen_cm)
            .bind($z.c9mo_flag)
            .bind($z.waz)
            .bind($z.f_waz)
            .bind($z.haz)
            .bind($z.f_haz)
            .bind($z.whz)
            .bind($z.f_whz)
            .bind($z.baz)
            .bind($z.f_baz)
            .bind($z.hcz)
            .bind($z.f_hcz)
            .bind(&$z.nutrition)
            .bind(&$z.method)
    };
}

pub(crate) use bind_child;
pub(crate) use bind_z;
pub(crate) use field_filters;
