import type { AgencyEntry } from '../agency.js';

/**
 * Agency directory for Denmark, from the seed's contact table (organisational contacts, no personal data).
 * Bodies the seed names without contact details are listed with no organisations.
 */
export const DENMARK_AGENCIES: readonly AgencyEntry[] = [
  {
    id: 'cmm',
    name: 'Danish Centre against Human Trafficking (CMM)',
    role: 'Coordinating body; support and identification of victims with legal stay; identification interviews; contact persons; outreach and health clinics',
    organisations: [
      {
        name: 'Danish Centre against Human Trafficking (CMM)',
        hotline: '+45 70 20 25 50',
        hours:
          'Mon–Fri 8.30–16.00; weekends and public holidays 9.00–15.00; outside hours leave a message or call the police hotline +45 22 68 57 82',
        openingHours: {
          workingDays: { opens: '08:30', closes: '16:00' },
          otherDays: { opens: '09:00', closes: '15:00' },
        },
        email: 'cmm@socialstyrelsen.dk',
        secureEmail: 'sikkermail.menneskehandel@socialstyrelsen.dk',
      },
    ],
  },
  {
    id: 'police',
    name: 'Police (National Centre of Investigation, NEC)',
    role: 'First encounter; investigation; applies to DIS for the temporary residence permit and each renewal',
    organisations: [
      {
        name: 'National Centre of Investigation of the Danish National Police (NEC)',
        phone: '+45 33 14 88 88',
        hotline: '+45 45 15 42 00',
        email: 'nec-menneskehandel@politi.dk',
      },
    ],
  },
  {
    id: 'prosecution',
    name: 'Prosecution authority',
    role: 'May apply to DIS for the temporary residence permit on the victim’s behalf',
    organisations: [],
  },
  {
    id: 'dis',
    name: 'Danish Immigration Service (DIS)',
    role: 'Identifies victims without legal stay; sets and extends the reflection period; decides residence and work permits and asylum; allocates municipalities',
    organisations: [],
  },
  {
    id: 'siri',
    name: 'Danish Agency for International Recruitment and Integration (SIRI)',
    role: 'Identifies victims without legal stay in some cases',
    organisations: [],
  },
  {
    id: 'court',
    name: 'Danish courts',
    role: 'May grant victim status to a defendant in a criminal case',
    organisations: [],
  },
  {
    id: 'ngo',
    name: 'Contracted NGOs',
    role: 'Social support, outreach, identification interviews (evidence only), health clinics',
    organisations: [
      { name: 'HopeNow', phone: '+45 26 16 10 12', email: 'info@hopenow.dk', url: 'https://hopenow.dk/' },
      { name: 'AmiAmi', phone: '+45 21 69 34 14', email: 'vnn@amiami.dk', url: 'https://amiami.dk/' },
      {
        name: 'Reden International',
        phone: '+45 33 91 48 10',
        email: 'ms@redeninternational.dk',
        url: 'https://kfuksa.dk/',
      },
    ],
  },
  {
    id: 'shelter',
    name: 'Shelters',
    role: 'Accommodation of victims; help the victim request an extension',
    organisations: [
      { name: 'Reden International', phone: '+45 33 91 48 10', email: 'ms@redeninternational.dk' },
      { name: 'Hørhuset', phone: '+45 32 55 56 22' },
    ],
  },
  {
    id: 'iom',
    name: 'IOM office in Copenhagen',
    role: 'Assisted voluntary return and six months of reintegration monitoring after arrival',
    organisations: [
      {
        name: 'IOM Copenhagen',
        phone: '+45 45 33 53 94',
        email: 'iomcopenhagenavr@iom.int',
        url: 'https://denmark.iom.int/',
      },
    ],
  },
  {
    id: 'red-cross',
    name: 'Danish Red Cross',
    role: 'Screens unaccompanied minor asylum seekers and alerts CMM',
    organisations: [],
  },
  {
    id: 'municipality',
    name: 'Municipality',
    role: 'Integration plan after asylum is granted; child welfare; appoints the child’s representative',
    organisations: [],
  },
  {
    id: 'guardian',
    name: 'Guardian / professional representative',
    role: 'Appointed for every child; works in the child’s best interest',
    organisations: [],
  },
];
