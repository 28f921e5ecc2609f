-- Issue 20: a commune's figures read the grade-5 and grade-9 pupils of its
-- schools for one school year. Indexed by the school alone, that read looked
-- up every enrolment the school ever had (every year, every grade) in the
-- table; with the year and the grade in the index it reads only those rows.
-- Same name: queries by school alone still use it.
DROP INDEX enrolments_school;
CREATE INDEX enrolments_school ON enrolments (school_code, school_year, grade);
