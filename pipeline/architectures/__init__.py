"""Registered model architectures of the trainable components (thinc models, built from configs)."""
