"""The public guidance the identity checks follow, cited in each code's catalogue entry.

Only documents whose content we are sure of are cited; each string names the red flag used.
"""

JOINT_2022 = (
    "U.S. Department of State, Treasury and FBI, 'Guidance on the Democratic People's "
    "Republic of Korea Information Technology Workers' (16 May 2022): inconsistencies "
    "in name, nationality, claimed work location and contact information"
)
JOINT_2022_NETWORK = (
    "State/Treasury/FBI DPRK IT workers advisory (16 May 2022): logins through "
    "VPNs, virtual private servers and third-party IP addresses"
)
JOINT_2022_EQUIPMENT = (
    "State/Treasury/FBI DPRK IT workers advisory (16 May 2022): requests to "
    "ship work equipment to an address other than the worker's"
)
JOINT_2022_PAYMENT = (
    "State/Treasury/FBI DPRK IT workers advisory (16 May 2022): payment to "
    "accounts in other names or countries"
)
FBI_2023 = (
    "FBI PSA I-101823-PSA (18 Oct 2023), additional guidance on DPRK IT workers: "
    "verify identity documents and that the worker is where they claim to be"
)
FBI_2025 = (
    "FBI PSA I-012325-PSA (23 Jan 2025), North Korean IT workers: monitor for VPN and "
    "virtual-private-server access and verify identity documents"
)
