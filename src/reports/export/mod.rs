//! The reports as files: CSV (UTF-8 with BOM, for Excel), XLSX and DOCX.
