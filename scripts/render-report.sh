#!/usr/bin/env bash
# Renders the periodic report through LibreOffice, as an office would print
# it, and checks the Decree 30 layout on the pages themselves: the national
# name on one line, a page number at the top of every page from page 2,
# the sections present. Two reports of a demo district: the first half of
# 2025 of the former Tam Đường district (issued today by the province) and
# the year 2025 of a commune created by the reform (Xã Bản Bo).
# Needs Debian's libreoffice-writer-nogui, fonts-liberation (Liberation
# Serif has the metrics of Times New Roman) and poppler-utils.
# Usage: scripts/render-report.sh [OUTPUT_DIR]   (pages saved there as PNG)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/report-pages}
mkdir -p "$OUT"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cargo build -q -p treem
T=target/debug/treem
$T --data-dir "$DIR/data" demo --children 3000 --seed 7 > /dev/null
$T --data-dir "$DIR/data" report --year 2025 --half 1 --unit 106 \
  --out "$DIR/huyen-cu-6-thang-2025.docx" --signer "Nguyễn Văn Minh" > /dev/null
$T --data-dir "$DIR/data" report --year 2025 --unit 03424 \
  --out "$DIR/ban-bo-nam-2025.docx" > /dev/null
soffice -env:UserInstallation="file://$DIR/profile" --headless --convert-to pdf \
  --outdir "$DIR" "$DIR"/*.docx > /dev/null 2>&1
fail=0
check() { if ! eval "$2"; then echo "FAIL $1: $3"; fail=1; else echo "ok   $1: $3"; fi; }
for pdf in "$DIR"/*.pdf; do
  name=$(basename "$pdf" .pdf)
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  first=$(pdftotext -layout -f 1 -l 1 "$pdf" -)
  check "$name" 'grep -q "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" <<<"$first"' \
    "the national name on one line"
  check "$name" '! grep -q "^ *1 *$" <<<"$(head -n 3 <<<"$first")"' \
    "no page number on page 1"
  for p in $(seq 2 "$pages"); do
    top=$(pdftotext -layout -f "$p" -l "$p" "$pdf" - | grep -v '^\s*$' | head -n 1 | tr -d ' ')
    check "$name" '[ "$top" = "$p" ]' "page $p numbered at the top ($top)"
  done
  all=$(pdftotext -layout "$pdf" -)
  # Headings may wrap in the PDF's text: look for their first words.
  for h in "BÁO CÁO" "Căn cứ Chỉ thị số 28-CT/TW" "I. CÔNG TÁC LÃNH ĐẠO" "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ" \
    "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" "IV. CÔNG TÁC BẢO VỆ TRẺ EM" "V. CÔNG TÁC KIỂM TRA, GIÁM SÁT" \
    "VI. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN" "VII. PHƯƠNG HƯỚNG, NHIỆM VỤ" "VIII. KIẾN NGHỊ, ĐỀ XUẤT" \
    "Nơi nhận:" "TM. ỦY BAN NHÂN DÂN"; do
    check "$name" 'grep -q "$h" <<<"$all"' "«$h» present"
  done
  check "$name" '! grep -q "Như trên" <<<"$all"' "no «Như trên»"
  pdftoppm -png -r 70 "$pdf" "$OUT/$name"
done
grep -q "TỈNH LAI CHÂU" <<<"$(pdftotext -layout -l 1 "$DIR/huyen-cu-6-thang-2025.pdf" -)" \
  && echo "ok   the former district's report is issued by the province" \
  || { echo "FAIL the former district's report is not issued by the province"; fail=1; }
echo "pages: $OUT"
exit $fail
