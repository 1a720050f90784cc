"""Where a partner may be shown: the point its chosen visibility allows, never more precise."""

from decimal import ROUND_HALF_UP, Decimal

# Approximate centres (latitude, longitude) of the countries partners work in: a country-level
# partner is pinned here, so no coordinate derived from its own address leaves the server.
# A country missing from the table is listed without a pin.
COUNTRY_CENTROIDS = {
    "AF": (33.9, 67.7), "AM": (40.1, 45.0), "AO": (-11.2, 17.9), "AR": (-38.4, -63.6), "AZ": (40.1, 47.6),
    "BD": (23.7, 90.4), "BF": (12.2, -1.6), "BI": (-3.4, 29.9), "BJ": (9.3, 2.3), "BO": (-16.3, -63.6),
    "BR": (-14.2, -51.9), "CD": (-4.0, 21.8), "CF": (6.6, 20.9), "CI": (7.5, -5.5), "CL": (-35.7, -71.5),
    "CM": (7.4, 12.4), "CO": (4.6, -74.3), "DZ": (28.0, 1.7), "EC": (-1.8, -78.2), "EG": (26.8, 30.8),
    "ER": (15.2, 39.8), "ET": (9.1, 40.5), "GE": (42.3, 43.4), "GH": (7.9, -1.0), "GN": (9.9, -9.7),
    "GT": (15.8, -90.2), "HN": (15.2, -86.2), "HT": (18.9, -72.3), "ID": (-0.8, 113.9), "IN": (20.6, 79.0),
    "IQ": (33.2, 43.7), "IR": (32.4, 53.7), "JO": (30.6, 36.2), "KE": (-0.0, 37.9), "KG": (41.2, 74.8),
    "KH": (12.6, 105.0), "KZ": (48.0, 66.9), "LB": (33.9, 35.9), "LK": (7.9, 80.8), "LR": (6.4, -9.4),
    "LY": (26.3, 17.2), "MA": (31.8, -7.1), "ML": (17.6, -4.0), "MM": (21.9, 95.9), "MN": (46.9, 103.8),
    "MW": (-13.3, 34.3), "MX": (23.6, -102.6), "MZ": (-18.7, 35.5), "NE": (17.6, 8.1), "NG": (9.1, 8.7),
    "NI": (12.9, -85.2), "NP": (28.4, 84.1), "PE": (-9.2, -75.0), "PH": (12.9, 121.8), "PK": (30.4, 69.3),
    "PS": (31.9, 35.2), "PY": (-23.4, -58.4), "RW": (-1.9, 29.9), "SA": (23.9, 45.1), "SD": (12.9, 30.2),
    "SL": (8.5, -11.8), "SN": (14.5, -14.5), "SO": (5.2, 46.2), "SS": (6.9, 31.3), "SV": (13.8, -88.9),
    "SY": (34.8, 39.0), "TD": (15.5, 18.7), "TG": (8.6, 0.8), "TJ": (38.9, 71.3), "TM": (39.0, 59.6),
    "TN": (33.9, 9.5), "TR": (39.0, 35.2), "TZ": (-6.4, 34.9), "UA": (48.4, 31.2), "UG": (1.4, 32.3),
    "UZ": (41.4, 64.6), "VE": (6.4, -66.6), "VN": (14.1, 108.3), "YE": (15.6, 48.5), "ZA": (-30.6, 22.9),
    "ZM": (-13.1, 27.8), "ZW": (-19.0, 29.2),
}  # fmt: skip

# City level: coordinates rounded to a tenth of a degree (about 11 km), the scale of a town, not a street.
CITY_PRECISION = Decimal("0.1")


def _rounded(value):
    return float(Decimal(value).quantize(CITY_PRECISION, rounding=ROUND_HALF_UP))


def public_location(partner):
    """What may be published of a partner's location: {country, city, latitude, longitude}, or None when hidden."""
    visibility = partner.location_visibility
    Visibility = type(partner).LocationVisibility
    if visibility == Visibility.HIDDEN:
        return None
    location = {"country": partner.country, "city": "", "latitude": None, "longitude": None}
    has_point = partner.latitude is not None and partner.longitude is not None
    if visibility == Visibility.EXACT:
        location["city"] = partner.city
        if has_point:
            location["latitude"], location["longitude"] = float(partner.latitude), float(partner.longitude)
    elif visibility == Visibility.CITY:
        location["city"] = partner.city
        if has_point:
            location["latitude"], location["longitude"] = _rounded(partner.latitude), _rounded(partner.longitude)
    elif partner.country.upper() in COUNTRY_CENTROIDS:
        location["latitude"], location["longitude"] = COUNTRY_CENTROIDS[partner.country.upper()]
    return location
