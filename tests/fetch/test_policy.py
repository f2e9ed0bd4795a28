"""Which URLs and addresses og fetches images from: the allow-list, and every spelling of a
private address."""

from __future__ import annotations

import pytest

from og.errors import BadParameter
from og.fetch.policy import HostPolicy
from og.fetch.policy import literal_address
from og.fetch.policy import public_address


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
    "100.64.0.1", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "198.18.0.1",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "64:ff9b::7f00:1", "2002:7f00:1::", "fe80::1%eth0", "not an address",
])
def test_private_loopback_link_local_multicast_reserved_are_refused(address):
    assert not public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111",
                                     "::ffff:93.184.216.34"])
def test_public_addresses_are_allowed(address):
    assert public_address(address)


@pytest.mark.parametrize(("spelling", "meaning"), [
    ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
    ("127.1", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("017700000001", "127.0.0.1"), ("0", "0.0.0.0"),
    ("[::1]", "::1"), ("::ffff:127.0.0.1", "::ffff:7f00:1"), ("0.0.0.0", "0.0.0.0"),
    ("cdn.example.com", None),
])
def test_every_spelling_of_an_address_is_read_as_the_address(spelling, meaning):
    assert literal_address(spelling) == meaning


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "[::1]",
                                  "[::ffff:127.0.0.1]", "0.0.0.0", "0", "169.254.169.254", "[fe80::1]"])
def test_an_allow_listed_private_address_is_still_refused_whatever_its_spelling(host):
    policy = HostPolicy(host.strip("[]"))
    with pytest.raises(BadParameter, match="not a public address"):
        policy.target(f"https://{host}/a.png")


@pytest.mark.parametrize("url", [
    "http://cdn.example.com/a.png",  # https only for host entries
    "https://evil.com/a.png", "https://cdn.example.com.evil.com/a.png", "https://example.com/a.png",
    "https://user@cdn.example.com/a.png", "https://cdn.example.com:pw@evil.com/a.png",
    "https://evil.com\\@cdn.example.com/a.png", "ftp://cdn.example.com/a.png", "file:///etc/passwd",
    "https://2130706433/a.png", "https://127.0.0.1/a.png", "https://[::1]/a.png", "https:///a.png",
    "https://cdn.example.com:99999/a.png", "//cdn.example.com/a.png", "https://cdn%2eexample.com/a.png",
])
def test_urls_outside_the_allow_list_are_refused(url):
    policy = HostPolicy("cdn.example.com, *.images.example.org")
    with pytest.raises(BadParameter):
        policy.target(url)


def test_exact_hosts_and_subdomains_are_allowed_over_https():
    policy = HostPolicy("cdn.example.com, *.images.example.org")
    target = policy.target("https://CDN.example.com/u/jane.jpg?s=200")
    assert (target.scheme, target.host, target.port, target.path, target.check_peer) == (
        "https", "cdn.example.com", 443, "/u/jane.jpg?s=200", True)
    assert policy.target("https://a.b.images.example.org/x.png").host == "a.b.images.example.org"
    with pytest.raises(BadParameter):
        policy.target("https://images.example.org/x.png")  # *.x is subdomains, not x itself


def test_an_origin_entry_allows_exactly_that_origin_and_skips_the_peer_check():
    policy = HostPolicy("http://127.0.0.1:8123")
    target = policy.target("http://127.0.0.1:8123/a.png")
    assert (target.host, target.port, target.check_peer) == ("127.0.0.1", 8123, False)
    for other in ("http://127.0.0.1:8124/a.png", "https://127.0.0.1:8123/a.png", "http://localhost:8123/a.png",
                  "http://2130706433:8123/a.png"):
        with pytest.raises(BadParameter):
            policy.target(other)


def test_without_og_image_hosts_nothing_is_fetched():
    with pytest.raises(BadParameter, match="OG_IMAGE_HOSTS"):
        HostPolicy("").target("https://cdn.example.com/a.png")
