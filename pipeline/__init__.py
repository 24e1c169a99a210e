"""news-pipeline: news articles in, structured event records out."""
__version__ = "0.1.0"
