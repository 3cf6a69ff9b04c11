"""qframe: NHS quality frameworks — define, measure, score, reward and improve."""

__version__ = "0.1.0"
