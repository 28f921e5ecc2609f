-- Issue 20: the breakdowns by sex, ethnicity and household poverty are
-- kept per commune too, so a change of a child's sex, ethnicity or
-- poverty changes her commune's figures as well (0035's trigger, with
-- those three columns added).
DROP TRIGGER children_figures_update;
CREATE TRIGGER children_figures_update AFTER UPDATE ON children
WHEN old.unit_id IS NOT new.unit_id OR old.date_of_birth IS NOT new.date_of_birth
  OR old.status IS NOT new.status OR old.status_date IS NOT new.status_date
  OR old.birth_registered IS NOT new.birth_registered
  OR old.birth_registration_date IS NOT new.birth_registration_date
  OR old.merged_into IS NOT new.merged_into
  OR old.national_id IS NOT new.national_id OR old.national_id_verified IS NOT new.national_id_verified
  OR old.sex IS NOT new.sex OR old.ethnicity IS NOT new.ethnicity
  OR old.household_poverty IS NOT new.household_poverty BEGIN
    UPDATE figure_marks SET token = token + 1 WHERE unit_id IN (
        SELECT old.unit_id UNION SELECT new.unit_id
        UNION SELECT unit_id FROM children WHERE id IN (old.merged_into, new.merged_into));
END;
