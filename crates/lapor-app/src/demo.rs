//! Demo data for `lapor serve --demo`: the national bodies most reported to, Provinsi
//! Kalimantan Tengah, Kota Palangka Raya with its OPD, 5 kecamatan and 30 kelurahan, a few
//! reports at different stages, and one account per role.

use lapor_domain::agency::{AgencyKind, NewAgency};
use lapor_domain::region::{RegionCode, RegionLevel, regions};
use lapor_domain::report::{Channel, ReportInput};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Role;
use lapor_domain::workflow::HandlingClass;

use crate::notify::Language;
use crate::{App, AppError, Command, Officer, Result, Submission};

/// A demo account and its freshly generated password (printed once, never stored in clear).
#[derive(Clone)]
pub struct DemoAccount {
    pub role: Role,
    pub login: String,
    pub password: String,
    pub agency: Option<String>,
}

const NATIONAL: &[(&str, &str, AgencyKind)] = &[
    (
        "kemenpan-rb",
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        AgencyKind::Kementerian,
    ),
    (
        "kemendagri",
        "Kementerian Dalam Negeri",
        AgencyKind::Kementerian,
    ),
    ("kemenkes", "Kementerian Kesehatan", AgencyKind::Kementerian),
    (
        "kemendikdasmen",
        "Kementerian Pendidikan Dasar dan Menengah",
        AgencyKind::Kementerian,
    ),
    (
        "kemen-pu",
        "Kementerian Pekerjaan Umum",
        AgencyKind::Kementerian,
    ),
    (
        "kemenhub",
        "Kementerian Perhubungan",
        AgencyKind::Kementerian,
    ),
    ("kemensos", "Kementerian Sosial", AgencyKind::Kementerian),
    (
        "kemnaker",
        "Kementerian Ketenagakerjaan",
        AgencyKind::Kementerian,
    ),
    (
        "kementerian-atr-bpn",
        "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
        AgencyKind::Kementerian,
    ),
    (
        "polri",
        "Kepolisian Negara Republik Indonesia",
        AgencyKind::Lembaga,
    ),
    ("bpjs-kesehatan", "BPJS Kesehatan", AgencyKind::Lembaga),
    (
        "bpjs-ketenagakerjaan",
        "BPJS Ketenagakerjaan",
        AgencyKind::Lembaga,
    ),
    (
        "ombudsman-ri",
        "Ombudsman Republik Indonesia",
        AgencyKind::Lembaga,
    ),
    ("pln", "PT PLN (Persero)", AgencyKind::Bumn),
    ("pertamina", "PT Pertamina (Persero)", AgencyKind::Bumn),
];

const PROVINCE_UNITS: &[(&str, &str, AgencyKind)] = &[
    (
        "dinkes",
        "Dinas Kesehatan Provinsi Kalimantan Tengah",
        AgencyKind::Dinas,
    ),
    (
        "disdik",
        "Dinas Pendidikan Provinsi Kalimantan Tengah",
        AgencyKind::Dinas,
    ),
    (
        "pupr",
        "Dinas Pekerjaan Umum dan Penataan Ruang Provinsi Kalimantan Tengah",
        AgencyKind::Dinas,
    ),
    (
        "dishub",
        "Dinas Perhubungan Provinsi Kalimantan Tengah",
        AgencyKind::Dinas,
    ),
];

const CITY_UNITS: &[(&str, &str, AgencyKind)] = &[
    (
        "dinkes",
        "Dinas Kesehatan Kota Palangka Raya",
        AgencyKind::Dinas,
    ),
    (
        "disdik",
        "Dinas Pendidikan Kota Palangka Raya",
        AgencyKind::Dinas,
    ),
    (
        "pupr",
        "Dinas Pekerjaan Umum dan Penataan Ruang Kota Palangka Raya",
        AgencyKind::Dinas,
    ),
    (
        "dishub",
        "Dinas Perhubungan Kota Palangka Raya",
        AgencyKind::Dinas,
    ),
    (
        "disdukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil Kota Palangka Raya",
        AgencyKind::Dinas,
    ),
    (
        "dinsos",
        "Dinas Sosial Kota Palangka Raya",
        AgencyKind::Dinas,
    ),
    (
        "dlh",
        "Dinas Lingkungan Hidup Kota Palangka Raya",
        AgencyKind::Dinas,
    ),
    (
        "perkim",
        "Dinas Perumahan dan Kawasan Permukiman Kota Palangka Raya",
        AgencyKind::Dinas,
    ),
    (
        "diskominfo",
        "Dinas Komunikasi, Informatika, Statistik dan Persandian Kota Palangka Raya",
        AgencyKind::Dinas,
    ),
    (
        "satpolpp",
        "Satuan Polisi Pamong Praja Kota Palangka Raya",
        AgencyKind::UnitKerja,
    ),
    (
        "bapenda",
        "Badan Pendapatan Daerah Kota Palangka Raya",
        AgencyKind::Badan,
    ),
];

const PROVINCE: &str = "pemprov-kalteng";
const CITY: &str = "pemkot-palangkaraya";

/// Turns a region name into a code segment: `Bukit Batu` → `bukit-batu`.
fn slug(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

fn agency(
    code: &str,
    name: &str,
    kind: AgencyKind,
    parent: Option<&str>,
    region: Option<&str>,
) -> Result<NewAgency> {
    let regions: Vec<&str> = region.into_iter().collect();
    Ok(NewAgency::validate(
        code,
        name,
        kind.code(),
        parent,
        &regions,
    )?)
}

fn demo_agencies() -> Result<Vec<NewAgency>> {
    let mut list = Vec::new();
    for (code, name, kind) in NATIONAL {
        list.push(agency(code, name, *kind, None, None)?);
    }
    list.push(agency(
        PROVINCE,
        "Pemerintah Provinsi Kalimantan Tengah",
        AgencyKind::PemerintahProvinsi,
        None,
        Some("62"),
    )?);
    for (code, name, kind) in PROVINCE_UNITS {
        list.push(agency(
            &format!("{PROVINCE}.{code}"),
            name,
            *kind,
            Some(PROVINCE),
            Some("62"),
        )?);
    }
    list.push(agency(
        CITY,
        "Pemerintah Kota Palangka Raya",
        AgencyKind::PemerintahKota,
        None,
        Some("62.71"),
    )?);
    for (code, name, kind) in CITY_UNITS {
        list.push(agency(
            &format!("{CITY}.{code}"),
            name,
            *kind,
            Some(CITY),
            Some("62.71"),
        )?);
    }
    list.push(agency(
        "pdam-palangkaraya",
        "Perumda Air Minum Kota Palangka Raya",
        AgencyKind::Bumd,
        Some(CITY),
        Some("62.71"),
    )?);
    let table = regions();
    let city = RegionCode::parse("62.71").map_err(|_| AppError::NotFound)?;
    for district in table.children(Some(&city)) {
        let kecamatan = format!("{CITY}.kec-{}", slug(district.name()));
        list.push(agency(
            &kecamatan,
            &format!("Kecamatan {}", district.name()),
            AgencyKind::Kecamatan,
            Some(CITY),
            Some(district.code().as_str()),
        )?);
        for village in table
            .children(Some(district.code()))
            .into_iter()
            .filter(|v| v.level() == RegionLevel::DesaKelurahan)
        {
            list.push(agency(
                &format!("{CITY}.kel-{}", slug(village.name())),
                &format!("Kelurahan {}", village.name()),
                AgencyKind::Kelurahan,
                Some(&kecamatan),
                Some(village.code().as_str()),
            )?);
        }
    }
    Ok(list)
}

struct DemoReport {
    classification: &'static str,
    title: &'static str,
    body: &'static str,
    region: &'static str,
    category: &'static str,
    target: Option<&'static str>,
    anonymous: bool,
    confidential: bool,
    reporter: Option<(&'static str, &'static str)>,
    /// Filed from the demo citizen's account, so it can be followed after logging in.
    by_citizen: bool,
    /// What officers and the reporter did next, through the same use cases as the console.
    steps: &'static [Step],
}

/// A demo step, taken by the demo account of the role it needs.
enum Step {
    Verify(&'static str),
    Dispose(&'static str),
    /// A follow-up written by the agency admin (published at once).
    AgencyFollowUp(&'static str),
    /// A follow-up written by the demo unit (PUPR): waits for the agency admin's approval.
    UnitFollowUp(&'static str),
    ReturnNotAuthority(&'static str, &'static str),
    RequestInformation(&'static str),
}

const REPORTS: &[DemoReport] = &[
    // Waiting for the national admin, with only the province chosen: the router finds the
    // city in the text and suggests its Dinas Perhubungan (street lights), saying why.
    DemoReport {
        classification: "pengaduan",
        title: "Lampu PJU mati di Jl. Tjilik Riwut",
        body: "lampu PJU mati di Jl. Tjilik Riwut km 5 Palangka Raya, sudah seminggu gelap total, rawan kecelakaan dan begal",
        region: "62",
        category: "",
        target: None,
        anonymous: false,
        confidential: false,
        reporter: Some(("Dewi Lestari", "081234500009")),
        by_citizen: false,
        steps: &[],
    },
    DemoReport {
        classification: "pengaduan",
        title: "Jalan berlubang di Jalan Tjilik Riwut km 5",
        body: "Sudah sebulan ada lubang besar di Jalan Tjilik Riwut km 5 dekat simpang. Pada malam hari sangat berbahaya bagi pengendara motor karena tidak ada penerangan.",
        region: "62.71.03",
        category: "pekerjaan_umum.jalan_jembatan",
        target: None,
        anonymous: false,
        confidential: false,
        reporter: Some(("Rahmat Hidayat", "081234500001")),
        by_citizen: false,
        steps: &[
            Step::Verify(CITY),
            Step::Dispose("pemkot-palangkaraya.pupr"),
            Step::UnitFollowUp(
                "Tim UPT Jalan telah meninjau lokasi. Penambalan dijadwalkan pekan ini dan rambu peringatan sudah dipasang.",
            ),
        ],
    },
    DemoReport {
        classification: "pengaduan",
        title: "Antrean perekaman KTP-el di Disdukcapil sangat panjang",
        body: "Saya datang jam 7 pagi tetapi nomor antrean sudah habis. Mohon ditambah petugas atau dibuka layanan daring agar warga tidak bolak-balik.",
        region: "62.71.01",
        category: "kependudukan.ktp_kk",
        target: None,
        anonymous: false,
        confidential: false,
        reporter: Some(("Siti Aminah", "081234500002")),
        by_citizen: false,
        steps: &[
            Step::Verify(CITY),
            Step::Dispose("pemkot-palangkaraya.disdukcapil"),
        ],
    },
    DemoReport {
        classification: "aspirasi",
        title: "Usul penambahan lampu penerangan jalan di Kelurahan Menteng",
        body: "Beberapa gang di Kelurahan Menteng gelap pada malam hari. Kami mengusulkan pemasangan lampu penerangan jalan umum agar lingkungan lebih aman.",
        region: "62.71.03.1002",
        category: "pekerjaan_umum",
        target: None,
        anonymous: true,
        confidential: false,
        reporter: Some(("Dewi Lestari", "081234500003")),
        by_citizen: false,
        steps: &[Step::Verify(CITY)],
    },
    DemoReport {
        classification: "permintaan_informasi",
        title: "Jadwal imunisasi anak di Puskesmas Pahandut",
        body: "Mohon informasi jadwal imunisasi dasar untuk bayi di Puskesmas Pahandut bulan ini dan syarat yang harus dibawa.",
        region: "62.71.01",
        category: "kesehatan.puskesmas_rumah_sakit",
        target: None,
        anonymous: false,
        confidential: false,
        reporter: None,
        by_citizen: true,
        steps: &[
            Step::Verify(CITY),
            Step::AgencyFollowUp(
                "Imunisasi dasar di Puskesmas Pahandut dilayani setiap Selasa dan Kamis pukul 08.00-12.00 WIB. Bawa buku KIA dan kartu keluarga.",
            ),
        ],
    },
    DemoReport {
        classification: "pengaduan",
        title: "Dugaan pungutan dalam pengurusan surat pindah",
        body: "Petugas meminta uang di luar ketentuan untuk mempercepat surat pindah domisili. Saya bersedia memberi keterangan bila identitas saya dilindungi.",
        region: "62.71.02",
        category: "kependudukan",
        target: None,
        anonymous: true,
        confidential: true,
        reporter: Some(("Pelapor Rahasia", "081234500005")),
        by_citizen: false,
        steps: &[Step::Verify(CITY)],
    },
    DemoReport {
        classification: "pengaduan",
        title: "Klaim BPJS Kesehatan ditolak rumah sakit",
        body: "Rumah sakit menolak layanan rawat inap dengan alasan kuota BPJS Kesehatan penuh, padahal kepesertaan saya aktif dan iuran lancar.",
        region: "62",
        category: "kesehatan.bpjs",
        // Routed straight to the chosen agency by the first deadline sweep.
        target: Some("bpjs-kesehatan"),
        anonymous: false,
        confidential: false,
        reporter: Some(("Yohanes Ngabut", "081234500006")),
        by_citizen: false,
        steps: &[],
    },
    DemoReport {
        classification: "pengaduan",
        title: "Sampah menumpuk di Pasar Kahayan",
        body: "Sampah di sisi timur Pasar Kahayan tidak diangkut selama seminggu, baunya menyengat dan mulai menyumbat saluran air.",
        region: "62.71.01.1002",
        category: "lingkungan_hidup.sampah",
        target: None,
        anonymous: false,
        confidential: false,
        reporter: None,
        by_citizen: false,
        steps: &[],
    },
    DemoReport {
        classification: "pengaduan",
        title: "Listrik padam berulang kali di Kecamatan Sabangau",
        body: "Dalam seminggu terakhir listrik padam hampir setiap malam tanpa pemberitahuan, alat elektronik warga banyak yang rusak.",
        region: "62.71.04",
        category: "energi.listrik",
        target: None,
        anonymous: true,
        confidential: false,
        reporter: None,
        by_citizen: true,
        steps: &[Step::RequestInformation(
            "Mohon sebutkan nama jalan atau RT/RW yang paling sering padam dan sejak tanggal berapa.",
        )],
    },
    DemoReport {
        classification: "pengaduan",
        title: "Bantuan PKH belum cair sejak tiga bulan",
        body: "Keluarga kami terdaftar sebagai penerima PKH tetapi bantuan belum diterima sejak tiga bulan lalu. Pendamping tidak bisa memberi kepastian.",
        region: "62.71.05",
        category: "sosial.bansos",
        target: None,
        anonymous: false,
        confidential: false,
        reporter: Some(("Marta Uli", "081234500009")),
        by_citizen: false,
        steps: &[
            Step::Verify(CITY),
            Step::ReturnNotAuthority(
                "Penyaluran PKH adalah kewenangan Kementerian Sosial, bukan pemerintah kota.",
                "kemensos",
            ),
        ],
    },
    // Near-duplicates of the second report (the pothole on Jalan Tjilik Riwut km 5), waiting
    // for verification: the same reporter sends it again, and a neighbour reports the same
    // hole in other words. The sweep links both to it, on the national admin's pages.
    DemoReport {
        classification: "pengaduan",
        title: "Jalan berlubang di Jl. Tjilik Riwut km 5",
        body: "Selamat pagi. Sudah sebulan ada lubang besar di jalan Tjilik Riwut KM 5 dekat simpang, pada malam hari sangat berbahaya bagi pengendara motor karena tdk ada penerangan!!",
        region: "62.71.03",
        category: "pekerjaan_umum.jalan_jembatan",
        target: None,
        anonymous: false,
        confidential: false,
        reporter: Some(("Rahmat Hidayat", "081234500001")),
        by_citizen: false,
        steps: &[],
    },
    DemoReport {
        classification: "pengaduan",
        title: "Lubang besar di Jalan Tjilik Riwut km 5 belum ditambal",
        body: "Lubang besar di Jalan Tjilik Riwut km 5 dekat simpang sudah sebulan belum ditambal. Malam hari gelap tanpa penerangan, kemarin pengendara motor jatuh di sana.",
        region: "62.71.03.1002",
        category: "pekerjaan_umum.jalan_jembatan",
        target: None,
        anonymous: false,
        confidential: false,
        reporter: Some(("Agus Salim", "081234500011")),
        by_citizen: false,
        steps: &[],
    },
];

/// Logins of the demo accounts, by role.
const ACCOUNTS: &[(Role, &str, &str, Option<&str>)] = &[
    (
        Role::Superadmin,
        "superadmin@demo.lapor.id",
        "Superadmin Demo",
        None,
    ),
    (
        Role::AdminNasional,
        "nasional@demo.lapor.id",
        "Admin Nasional Demo",
        Some("kemenpan-rb"),
    ),
    (
        Role::AdminInstansi,
        "instansi@demo.lapor.id",
        "Admin Pemkot Palangka Raya",
        Some(CITY),
    ),
    (
        Role::AdminUnit,
        "unit@demo.lapor.id",
        "Penghubung Dinas PUPR",
        Some("pemkot-palangkaraya.pupr"),
    ),
    (
        Role::Pengawas,
        "ombudsman@demo.lapor.id",
        "Pengawas Ombudsman Demo",
        Some("ombudsman-ri"),
    ),
    (Role::Citizen, "warga@demo.lapor.id", "Warga Demo", None),
];

impl App {
    /// Loads the demo set into a database that has no agencies yet, and (re)creates the demo
    /// accounts with fresh passwords, returned for printing once.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn load_demo(&self) -> Result<Vec<DemoAccount>> {
        let fresh = self.db.count_agencies().await? == 0;
        if fresh {
            for agency in demo_agencies()? {
                self.insert_agency(&agency).await?;
            }
            // The city reviews its units' answers before they reach the reporter.
            self.set_requires_approval(CITY, true).await?;
        }
        let mut out = Vec::new();
        for (role, login, name, agency) in ACCOUNTS {
            let password = crate::generate_password(14);
            match self.find_account(login).await? {
                Some(user) => self.set_password(user.id, &password).await?,
                None => {
                    self.add_user(name, Some(login), None, &password, *role, *agency)
                        .await?;
                }
            }
            out.push(DemoAccount {
                role: *role,
                login: (*login).to_owned(),
                password,
                agency: agency.map(str::to_owned),
            });
        }
        if fresh {
            for report in REPORTS {
                self.load_demo_report(report).await?;
            }
            self.sweep().await?;
        }
        Ok(out)
    }

    async fn demo_officer(&self, role: Role) -> Result<Officer> {
        let login = ACCOUNTS
            .iter()
            .find(|(r, ..)| *r == role)
            .map(|(_, login, ..)| *login)
            .ok_or(AppError::NotFound)?;
        let user = self.find_account(login).await?.ok_or(AppError::NotFound)?;
        self.officer(&user).await
    }

    async fn load_demo_report(&self, demo: &DemoReport) -> Result<()> {
        let (name, phone) = demo.reporter.unzip();
        let citizen = match demo.by_citizen {
            true => self.find_account("warga@demo.lapor.id").await?,
            false => None,
        };
        let receipt = self
            .submit(Submission {
                input: ReportInput {
                    classification: Some(demo.classification),
                    title: Some(demo.title),
                    body: Some(demo.body),
                    region_code: Some(demo.region),
                    category: Some(demo.category),
                    agency: demo.target,
                    anonymous: demo.anonymous,
                    confidential: demo.confidential,
                    reporter_name: name,
                    reporter_phone: phone,
                    ..ReportInput::default()
                },
                channel: Channel::Web,
                account: citizen.as_ref(),
                idempotency: None,
                language: Language::Id,
                attachments: Vec::new(),
                client: None,
                inbound: None,
            })
            .await?;
        let number = ReportNumber::parse(&receipt.number).ok_or(AppError::NotFound)?;
        for step in demo.steps {
            let (role, command) = match step {
                Step::Verify(agency) => (
                    Role::AdminNasional,
                    Command::Verify {
                        title: demo.title.to_owned(),
                        classification: demo.classification.to_owned(),
                        category: Some(demo.category.to_owned()),
                        handling_class: HandlingClass::Biasa.code().to_owned(),
                        agency: (*agency).to_owned(),
                        anonymous: false,
                        confidential: false,
                    },
                ),
                Step::Dispose(unit) => (
                    Role::AdminInstansi,
                    Command::Dispose {
                        units: vec![(*unit).to_owned()],
                    },
                ),
                Step::AgencyFollowUp(text) => (
                    Role::AdminInstansi,
                    Command::FollowUp {
                        text: (*text).to_owned(),
                        attachments: Vec::new(),
                    },
                ),
                Step::UnitFollowUp(text) => (
                    Role::AdminUnit,
                    Command::FollowUp {
                        text: (*text).to_owned(),
                        attachments: Vec::new(),
                    },
                ),
                Step::ReturnNotAuthority(reason, suggested) => (
                    Role::AdminInstansi,
                    Command::ReturnNotAuthority {
                        reason: (*reason).to_owned(),
                        suggested_agency: Some((*suggested).to_owned()),
                    },
                ),
                Step::RequestInformation(question) => (
                    Role::AdminNasional,
                    Command::RequestInformation {
                        question: (*question).to_owned(),
                    },
                ),
            };
            let officer = self.demo_officer(role).await?;
            let version = self
                .case(&officer, number)
                .await?
                .report
                .record
                .workflow
                .version;
            self.act(&officer, number, version, command).await?;
        }
        Ok(())
    }
}
