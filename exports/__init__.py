"""Excel workbooks built from plain export tables. The only package that imports openpyxl."""
