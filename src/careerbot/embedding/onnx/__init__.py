"""embedding/onnx"""
