"""Rule set: the identity-consistency checks' codes and parameters (phone, email, ip, timezone,
address, payout, document). Defaults are literal so replaying this migration always creates the
same version; docs/checks.md explains each weight."""

from django.db import migrations

from checks.rulesets import migration_add_version

SIGNALS = {
    "phone.voip": {"points": 30, "severity": "medium"},
    "phone.personal_number": {"points": 20, "severity": "low"},
    "phone.uan": {"points": 15, "severity": "low"},
    "phone.premium_rate": {"points": 20, "severity": "low"},
    "phone.non_geographic": {"points": 15, "severity": "low"},
    "phone.country_mismatch": {"points": 25, "severity": "medium"},
    "phone.timezone_mismatch": {"points": 10, "severity": "low"},
    "email.disposable": {"points": 25, "severity": "medium"},
    "ip.invalid": {"points": 10, "severity": "low"},
    "ip.country_mismatch": {"points": 35, "severity": "medium"},
    "ip.hosting_provider": {"points": 25, "severity": "medium"},
    "ip.tor_exit": {"points": 35, "severity": "medium"},
    "timezone.mismatch": {"points": 35, "severity": "medium"},
    "timezone.off_hours_activity": {"points": 20, "severity": "low"},
    "address.shipping_mismatch": {"points": 30, "severity": "medium"},
    "payout.name_mismatch": {"points": 40, "severity": "high"},
    "payout.country_mismatch": {"points": 30, "severity": "medium"},
    "document.mrz_invalid": {"points": 40, "severity": "high"},
    "document.mrz_mismatch": {"points": 45, "severity": "high"},
    "document.expired": {"points": 15, "severity": "low"},
}

CHECKS = {
    "phone": {"enabled": True, "params": {"check_timezone": True, "use_line_type_provider": True}},
    "email": {"enabled": True, "params": {"allowed_domains": []}},
    "ip": {
        "enabled": True,
        "params": {
            "foreign_min_count": 2,
            "foreign_min_share": 0.5,
            "hosting_kinds": ["hosting", "vpn", "cdn", "bot"],
            "hosting_asns": [
                8100,
                9009,
                11878,
                14061,
                16276,
                20473,
                21859,
                24940,
                30633,
                36352,
                39351,
                44477,
                51167,
                54290,
                60068,
                60781,
                62240,
                63949,
                147049,
            ],
            "hosting_network_names": [
                "31173 Services AB",
                "AS-CHOOPA",
                "AS-COLOCROSSING",
                "AS-QUADRANET",
                "Akamai Connected Cloud",
                "Clouvider Limited",
                "Contabo GmbH",
                "DATAWAGON",
                "DIGITALOCEAN-ASN",
                "Datacamp Limited",
                "HOSTWINDS",
                "Hetzner Online GmbH",
                "HostRoyale Technologies Pvt Ltd",
                "IPXO",
                "LeaseWeb Netherlands B.V.",
                "LEASEWEB-USA-WDC",
                "M247 Europe SRL",
                "M247 Ltd",
                "M247 UK Ltd",
                "Mullvad VPN AB",
                "OVH SAS",
                "PERFORMIVE",
                "PacketHub S.A.",
                "Packethub s.a.",
                "Proton AG",
                "Stark Industries Solutions Ltd",
                "TZULO",
                "Zenlayer",
                "xTom GmbH",
            ],
            "ignored_providers": ["Apple Private Relay"],
            "unconfirmed_providers": ["Cogent", "Google", "Akamai", "DataCamp"],
        },
    },
    "timezone": {
        "enabled": True,
        "params": {
            "mismatch_min_count": 1,
            "mismatch_min_share": 0.25,
            "tolerance_minutes": 0,
            "night_start_hour": 0,
            "night_end_hour": 6,
            "off_hours_min_count": 3,
            "off_hours_min_share": 0.6,
        },
    },
    "address": {"enabled": True, "params": {"compare_city": True}},
    "payout": {"enabled": True, "params": {}},
    "document": {"enabled": True, "params": {"compare_name": True}},
}


def forwards(apps, schema_editor):
    migration_add_version(
        apps, "Defaults: identity-consistency checks", checks=CHECKS, signals=SIGNALS
    )


class Migration(migrations.Migration):
    dependencies = [("checks", "0002_default_ruleset")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
