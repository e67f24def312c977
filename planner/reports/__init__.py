"""The Excel workbook: data tables, cell formats, native charts, summary, inputs and comparison sheets."""
