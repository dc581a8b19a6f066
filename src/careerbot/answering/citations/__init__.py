"""answering/citations"""
