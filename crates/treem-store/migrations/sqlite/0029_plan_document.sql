-- A plan's source document in full (issue 19: the report's legal basis is
-- data of the plan, not code): its date of issue beside its number, and the
-- documents it carries out, one a line ("Chỉ thị số 28-CT/TW ngày …").
ALTER TABLE plans ADD COLUMN issued_on DATE;
ALTER TABLE plans ADD COLUMN basis TEXT NOT NULL DEFAULT '';
-- The seed plan (the former Tam Đường district's) carries out these two,
-- as its own first lines say.
UPDATE plans SET basis = 'Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị về tăng cường công tác chăm sóc, giáo dục và bảo vệ trẻ em đáp ứng yêu cầu phát triển đất nước phồn vinh, hạnh phúc
Chương trình hành động số 48-CTr/TU ngày 17/4/2024 của Ban Thường vụ Tỉnh ủy Lai Châu về thực hiện Chỉ thị số 28-CT/TW'
WHERE title = 'Kế hoạch thực hiện Chỉ thị 28-CT/TW' AND issued_by = 'Ban Thường vụ Huyện ủy Tam Đường' AND derived_from IS NULL;
