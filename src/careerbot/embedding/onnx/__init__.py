"""The ONNX backend: export and cache the model, quantize it to int8, run it in onnxruntime."""
