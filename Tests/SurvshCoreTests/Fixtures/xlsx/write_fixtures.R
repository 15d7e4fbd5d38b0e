# write_fixtures.R — the Excel test files of XLSXReaderTests, written by openxlsx (and, for what
# openxlsx never writes, by hand-written XML zipped with the zip package).
#
# Run from this folder: Rscript write_fixtures.R  (writes the files beside it; versions in versions.txt)
# - lung.xlsx, net.xlsx: data/lung.csv and data/net_liver_mets.csv (dates as Date, so openxlsx writes
#   date serials with a date format; NA as empty cells); the tests compare them with the CSV frame.
# - dates1904.xlsx: dates in the 1904 date system (serials counted from 1904-01-01, date1904="1" patched
#   into workbook.xml, custom format yyyy-mm-dd), with a 1900-system twin dates1900.xlsx (d/m/yy format);
#   the ISO dates they hold are in dates_expected.csv.
# - sheets.xlsx: sheets "first" (lung's first 5 rows) and "second" (a title in A1, a table in B3:D7,
#   a note in F10) for sheet= and range=.
# - merged.xlsx: a header "bp" merged over B1:C1 (systolic, diastolic below it in the data) and booleans.
# - handmade.xlsx: XML written here: inline strings, a rich-text shared string (two runs and a phonetic
#   guide), sparse rows (a row and cells omitted), a formula with a cached string, an error cell (#N/A),
#   a date-time (format 22) and a time (format 21).
# - nosheets.xlsx (a workbook whose <sheets> is empty), truncated.xlsx (lung.xlsx cut at 3000 bytes),
#   encrypted.xlsx (an OLE compound file header with an EncryptedPackage stream name, as Office writes
#   a password-protected workbook), old.xls (an OLE header without it).
suppressPackageStartupMessages({ library(openxlsx); library(zip) })
csv <- function(name) read.csv(file.path("../../../../data", name), stringsAsFactors = FALSE)
options(openxlsx.dateFormat = "yyyy-mm-dd")

lung <- csv("lung.csv")
write.xlsx(lung, "lung.xlsx")
net <- csv("net_liver_mets.csv")
net$resection_date <- as.Date(net$resection_date)
net$last_followup_date <- as.Date(net$last_followup_date)
write.xlsx(net, "net.xlsx")

# Dates: the same days in both systems.
days <- as.Date(c("1900-01-01", "1900-02-28", "1900-03-01", "1904-01-01", "1970-01-01", "2004-03-11", "2026-12-06", NA))
write.csv(data.frame(id = seq_along(days), day = format(days)), "dates_expected.csv", row.names = FALSE, na = "NA")
dated_book <- function(serial, format, file, date1904) {
  wb <- createWorkbook()
  addWorksheet(wb, "dates")
  writeData(wb, "dates", data.frame(id = seq_along(serial), day = serial))
  addStyle(wb, "dates", createStyle(numFmt = format), rows = 2:(length(serial) + 1), cols = 2)
  saveWorkbook(wb, file, overwrite = TRUE)
  if (date1904) {
    dir <- tempfile(); unzip(file, exdir = dir)
    wbxml <- file.path(dir, "xl", "workbook.xml")
    x <- readLines(wbxml, warn = FALSE)
    x <- if (any(grepl("<workbookPr", x))) sub("<workbookPr[^>]*/>", "<workbookPr date1904=\"1\"/>", x) else
      sub("<sheets>", "<workbookPr date1904=\"1\"/><sheets>", x)
    writeLines(x, wbxml)
    unlink(file)
    target <- file.path(normalizePath("."), file)   # zip::zip evaluates it after moving to root
    zip::zip(target, files = list.files(dir, recursive = TRUE, all.files = TRUE), root = dir)
  }
}
d <- as.numeric(days - as.Date("1904-01-01"))
d[which(days < as.Date("1904-01-01"))] <- NA   # the 1904 system starts at 1904-01-01
dated_book(d, "yyyy-mm-dd", "dates1904.xlsx", TRUE)
s1900 <- as.numeric(days - as.Date("1899-12-30"))            # Excel's serials from 1900-03-01 on
early <- which(days < as.Date("1900-03-01"))
s1900[early] <- as.numeric(days[early] - as.Date("1899-12-31"))
dated_book(s1900, "d/m/yy", "dates1900.xlsx", FALSE)

# Several sheets; a table away from A1.
wb <- createWorkbook()
addWorksheet(wb, "first"); writeData(wb, "first", head(lung, 5))
addWorksheet(wb, "second")
writeData(wb, "second", "A title above the table", startCol = 1, startRow = 1)
writeData(wb, "second", data.frame(arm = c("a", "b", "a", "b"), months = c(1.5, 2, 3.25, 4), n = c(10L, 20L, 30L, 40L)),
          startCol = 2, startRow = 3)
writeData(wb, "second", "a note", startCol = 6, startRow = 10)
saveWorkbook(wb, "sheets.xlsx", overwrite = TRUE)

# Merged header and booleans.
wb <- createWorkbook()
addWorksheet(wb, "bp")
writeData(wb, "bp", data.frame(id = 1:3, bp = c(120, 130, NA), x = c(80, 85, 90), treated = c(TRUE, FALSE, NA)), colNames = TRUE)
writeData(wb, "bp", "", startCol = 3, startRow = 1)
deleteData(wb, "bp", cols = 3, rows = 1)
mergeCells(wb, "bp", cols = 2:3, rows = 1)
saveWorkbook(wb, "merged.xlsx", overwrite = TRUE)

# Hand-written parts.
book <- function(file, files) {
  dir <- tempfile(); dir.create(dir)
  for (name in names(files)) {
    dir.create(dirname(file.path(dir, name)), recursive = TRUE, showWarnings = FALSE)
    writeLines(files[[name]], file.path(dir, name), useBytes = TRUE)
  }
  unlink(file)
  target <- file.path(normalizePath("."), file)
  zip::zip(target, files = names(files), root = dir)
}
ns <- 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
types <- '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
rels <- '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
wbrels <- '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
styles <- paste0('<?xml version="1.0" encoding="UTF-8"?><styleSheet ', ns, '><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>',
                 '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="22"/><xf numFmtId="21"/></cellXfs></styleSheet>')
shared <- paste0('<?xml version="1.0" encoding="UTF-8"?><sst ', ns, ' count="2" uniqueCount="2">',
                 '<si><t>name</t></si>',
                 '<si><r><rPr><b/></rPr><t xml:space="preserve">rich </t></r><r><t>text</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si></sst>')
sheet <- paste0('<?xml version="1.0" encoding="UTF-8"?><worksheet ', ns, '><sheetData>',
  '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>score</t></is></c><c r="C1" t="inlineStr"><is><t>when</t></is></c><c r="D1" t="inlineStr"><is><t>clock</t></is></c><c r="E1" t="inlineStr"><is><t>flag</t></is></c></row>',
  '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>1.5</v></c><c r="C2" s="1"><v>45000.5</v></c><c r="D2" s="2"><v>0.75</v></c><c r="E2" t="b"><v>1</v></c></row>',
  '<row r="3"><c r="A3" t="inlineStr"><is><t>plain</t></is></c><c r="B3" t="e"><v>#N/A</v></c><c r="E3" t="b"><v>0</v></c></row>',
  '<row r="5"><c t="str"><f>"fo"&amp;"rmula"</f><v>formula</v></c><c><v>-2</v></c><c r="D5" s="2"><v>0.5</v></c></row>',
  '</sheetData></worksheet>')
workbook <- paste0('<?xml version="1.0" encoding="UTF-8"?><workbook ', ns, '><sheets><sheet name="hand" sheetId="1" r:id="rId1"/></sheets></workbook>')
book("handmade.xlsx", list("[Content_Types].xml" = types, "_rels/.rels" = rels, "xl/workbook.xml" = workbook,
                           "xl/_rels/workbook.xml.rels" = wbrels, "xl/styles.xml" = styles,
                           "xl/sharedStrings.xml" = shared, "xl/worksheets/sheet1.xml" = sheet))
book("nosheets.xlsx", list("[Content_Types].xml" = types, "_rels/.rels" = rels,
                           "xl/workbook.xml" = paste0('<?xml version="1.0" encoding="UTF-8"?><workbook ', ns, '><sheets/></workbook>')))

# Damaged and foreign files.
bytes <- readBin("lung.xlsx", "raw", file.size("lung.xlsx"))
writeBin(bytes[1:3000], "truncated.xlsx")
ole <- as.raw(c(0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1))
utf16 <- function(s) { r <- charToRaw(s); as.vector(rbind(r, as.raw(0))) }
writeBin(c(ole, raw(504), utf16("EncryptionInfo"), raw(50), utf16("EncryptedPackage"), raw(400)), "encrypted.xlsx")
writeBin(c(ole, raw(504), utf16("Workbook"), raw(400)), "old.xls")

writeLines(c(R.version.string, paste("openxlsx", packageVersion("openxlsx")), paste("zip", packageVersion("zip"))), "versions.txt")
