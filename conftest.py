pytest_plugins = ["scalelint.testing.plugin"]
