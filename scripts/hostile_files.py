"""Writes the hostile data sets of scripts/hostile-uploads.sh into a folder:
a zip bomb, one entry name three times, workbooks of twenty and of five
million shared strings and one of fifty million cells. Standard library only."""
import io
import sys
import zipfile

out = sys.argv[1]
ROW = b"B-1,L\xc3\xb2 Th\xe1\xbb\x8b Bom,F,2022-01-01,03424\n"
HEAD = b"child_id,full_name,sex,date_of_birth,commune_code\n"


def stream(z, name, total):
    with z.open(name, "w", force_zip64=True) as f:
        f.write(HEAD)
        chunk = ROW * (1 << 16)
        written = 0
        while written < total:
            f.write(chunk)
            written += len(chunk)


# 1 GiB of rows behind about a megabyte.
with zipfile.ZipFile(f"{out}/bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    stream(z, "children.csv", 1 << 30)

# Three entries named children.csv, 400 MB each.
with zipfile.ZipFile(f"{out}/same-name.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for _ in range(3):
        stream(z, "children.csv", 400 << 20)

CT = b"""<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"""
RELS = b"""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WB = b"""<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="children" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WBRELS = b"""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""
NS = b'<?xml version="1.0" encoding="UTF-8"?>'


def workbook(path, strings, cells):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", WBRELS)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(NS + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for start in range(0, strings, 100_000):
                f.write(b"".join(b"<si><t>%d</t></si>" % i for i in range(start, min(strings, start + 100_000))))
            f.write(b"</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(NS + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            row = 1
            left = cells
            while left > 0:
                n = min(left, 1000)
                f.write(b'<row r="%d">' % row + b'<c t="n"><v>1</v></c>' * n + b"</row>")
                left -= n
                row += 1
            f.write(b"</sheetData></worksheet>")


workbook(f"{out}/strings-20m.xlsx", 20_000_000, 10)
# Small enough to pass the upload limit, so the strings limit is what stops it.
workbook(f"{out}/strings-5m.xlsx", 5_000_000, 10)
workbook(f"{out}/cells.xlsx", 10, 50_000_000)
