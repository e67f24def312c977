"""The drawings of the chain: the chain view and its panel, the map, and the colours they share."""
