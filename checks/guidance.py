"""The public guidance the identity checks follow, cited in each code's catalogue entry.

Only documents whose content we are sure of are cited; each string names the red flag or the
due-diligence step used. Every code in the registry must cite one (a system check fails
otherwise: `checks.apps`).
"""

_JOINT_2022 = (
    "U.S. Department of State, Treasury and FBI, 'Guidance on the Democratic People's "
    "Republic of Korea Information Technology Workers' (16 May 2022)"
)
JOINT_2022 = (
    f"{_JOINT_2022}: inconsistencies in name, nationality, claimed work location and contact "
    "information"
)
JOINT_2022_NETWORK = (
    "State/Treasury/FBI DPRK IT workers advisory (16 May 2022): logins through "
    "VPNs, virtual private servers and third-party IP addresses"
)
JOINT_2022_LOGINS = (
    "State/Treasury/FBI DPRK IT workers advisory (16 May 2022), red flags: multiple logins into "
    "one account from various IP addresses in a relatively short time, especially from different "
    "countries, and logins into several accounts from one IP address"
)
JOINT_2022_HOURS = (
    "State/Treasury/FBI DPRK IT workers advisory (16 May 2022), red flags: inability to conduct "
    "business during the required business hours; inconsistencies in the claimed work location"
)
JOINT_2022_EQUIPMENT = (
    "State/Treasury/FBI DPRK IT workers advisory (16 May 2022): requests to "
    "ship work equipment to an address other than the worker's"
)
JOINT_2022_PAYMENT = (
    "State/Treasury/FBI DPRK IT workers advisory (16 May 2022): payment to "
    "accounts in other names or countries"
)
JOINT_2022_SHARED_PAYMENT = (
    "State/Treasury/FBI DPRK IT workers advisory (16 May 2022), red flags: one payment account "
    "(bank or PayPal) used by several developer accounts; requests for payment in virtual "
    "currency"
)
JOINT_2022_TEMPLATES = (
    "State/Treasury/FBI DPRK IT workers advisory (16 May 2022), red flags: the same document "
    "templates (bids, resumes, communications) used across different developer accounts"
)
FBI_2023 = (
    "FBI PSA I-101823-PSA (18 Oct 2023), additional guidance on DPRK IT workers: "
    "verify identity documents and that the worker is where they claim to be"
)
FBI_2023_PROFILES = (
    "FBI PSA I-101823-PSA (18 Oct 2023), red flags: online profiles that do not match the "
    "resume, several online profiles using the same photo under different names"
)
FBI_2023_CAMERA = (
    "FBI PSA I-101823-PSA (18 Oct 2023), red flags: unwillingness or inability to appear on "
    "camera; inconsistencies in time, location or appearance when they do; undue concern "
    "about in-person meetings"
)
FBI_2024_FACILITATORS = (
    "FBI PSA of 16 May 2024 on DPRK IT workers and U.S.-based facilitators: stolen U.S. "
    "identities; facilitators who receive company laptops, host them and open financial "
    "accounts for the workers"
)
FBI_2024_STAFFING = (
    "FBI PSA of 16 May 2024 on DPRK IT workers: work contracted through third-party staffing "
    "firms removes the employer from the hiring; make sure such firms vet their workers"
)
FBI_2025 = (
    "FBI PSA I-012325-PSA (23 Jan 2025), North Korean IT workers: monitor for VPN and "
    "virtual-private-server access and verify identity documents"
)
FBI_2025_DOCUMENTS = (
    "FBI PSA I-012325-PSA (23 Jan 2025): examine identity documents for misspellings and "
    "inconsistencies, and check them against the applicant's other details"
)
FBI_2025_CROSS_CHECK = (
    "FBI PSA I-012325-PSA (23 Jan 2025): cross-check applicants' contact details, photos and "
    "resumes against other applicants' and across HR systems"
)
FBI_2025_PAYMENT_CHANGES = (
    "FBI PSA I-012325-PSA (23 Jan 2025): compare employees' payment accounts and watch for "
    "frequent changes of bank"
)
DOJ_LAPTOP_FARMS = (
    "U.S. Department of Justice, laptop-farm prosecutions (U.S. v. Chapman, D.D.C., May 2024; "
    "U.S. v. Knoot, M.D. Tenn., Aug 2024; the coordinated actions of 30 June 2025): many "
    "workers' stolen identities, laptops and pay routed through one facilitator's address and "
    "accounts"
)
