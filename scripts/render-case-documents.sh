#!/usr/bin/env bash
# Renders a case's documents — forms 01–06 of Decree 56/2017, the chair's
# decisions and the needs meeting's minutes — through LibreOffice, as a
# commune office would print them, from a case taken through the whole
# procedure by the web test `case_documents` (SQLite), and checks the
# Decree 30 layout on the pages: the national name on one line, a page
# number at the top of every page from page 2, the signature block.
# Needs Debian's libreoffice-writer-nogui, fonts-liberation and poppler-utils.
# Usage: scripts/render-case-documents.sh [OUTPUT_DIR]   (pages as PNG there)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/case-document-pages}
mkdir -p "$OUT"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
TREEM_DOCUMENTS_OUT="$DIR" TREEM_TEST_POSTGRES= cargo test -q -p treem-web --test web -- \
  case_documents::sqlite::the_forms_fields_are_typed_kept_and_printed > /dev/null
soffice -env:UserInstallation="file://$DIR/profile" --headless --convert-to pdf \
  --outdir "$DIR" "$DIR"/*.docx > /dev/null 2>&1
fail=0
check() { if ! eval "$2"; then echo "FAIL $1: $3"; fail=1; else echo "ok   $1: $3"; fi; }
n=0
for pdf in "$DIR"/*.pdf; do
  n=$((n + 1))
  name=$(basename "$pdf" .pdf)
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  first=$(pdftotext -layout -f 1 -l 1 "$pdf" -)
  check "$name" 'grep -q "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" <<<"$first"' "the national name on one line"
  check "$name" 'grep -q "ỦY BAN NHÂN DÂN" <<<"$first"' "issued by the People's Committee"
  for p in $(seq 2 "$pages"); do
    top=$(pdftotext -layout -f "$p" -l "$p" "$pdf" - | grep -v '^\s*$' | head -n 1 | tr -d ' ')
    check "$name" '[ "$top" = "$p" ]' "page $p numbered at the top ($top)"
  done
  all=$(pdftotext -layout "$pdf" -)
  check "$name" 'grep -q "(Ký, ghi rõ họ tên" <<<"$all"' "a signature block"
  pdftoppm -png -r 70 "$pdf" "$OUT/$name"
done
check "documents" '[ "$n" = 9 ]' "nine documents rendered ($n)"
echo "pages: $OUT"
exit $fail
