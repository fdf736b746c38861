//! Tests of the Word and HTML readers.

mod docx_limits;
mod docx_numbering;
mod docx_rs_written;
mod docx_tables;
mod docx_text;
mod fixtures;
mod fuzz;
mod html;
mod sniff;
mod support;
