"""Embedding: the bundled all-MiniLM-L6-v2, loaded offline, on torch or ONNX (fp32, int8)."""
