from scalelint.lsp import serve

serve()
