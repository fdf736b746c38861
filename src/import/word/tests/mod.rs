//! Tests of the Word and HTML readers.

mod docx_text;
mod support;
