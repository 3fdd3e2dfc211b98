"""SQL, one module per table family; handlers and jobs never write SQL themselves."""
