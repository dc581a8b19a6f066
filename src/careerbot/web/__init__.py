"""The web edge: Gradio chat, article pages and the HTTP API, all thin callers of CareerBot."""
