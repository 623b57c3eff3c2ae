//! The auth sidecar: signup, login, refresh, logout and who-am-I over HTTP, backed by SQLite.
